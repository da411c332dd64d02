package dev.strobe.client.balancing;

import dev.strobe.client.ClientConfigurationException;

/**
 * One server of a static target list, {@code host:port} or {@code [v6-address]:port}. Immutable.
 *
 * @param host a host name or an IP address (IPv6 without brackets)
 * @param port 1..65535
 */
public record ServerAddress(String host, int port) {

    /**
     * Parses {@code host:port}.
     *
     * @throws ClientConfigurationException with a sentence a user can act on when it is no such address
     */
    public static ServerAddress parse(String text) {
        String s = text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw invalid(text);
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw invalid(text);
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (host.isEmpty() || number < 1 || number > 65535 || host.contains("/")) {
            throw invalid(text);
        }
        return new ServerAddress(host, number);
    }

    private static ClientConfigurationException invalid(String text) {
        return new ClientConfigurationException("'" + text.strip() + "' is not a server address: give each server of a"
                + " list as host:port (IPv6 as [address]:port), e.g. 10.0.0.1:50051,10.0.0.2:50051");
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

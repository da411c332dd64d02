package dev.strobe.loadtest.driver;

/**
 * A load-test setting that cannot be used (a malformed --size, a zero rate, ...); the message says
 * what to change. Thrown on the main thread while a run is being set up.
 */
public final class LoadConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public LoadConfigurationException(String message) {
        super(message);
    }
}

package dev.strobe.client.balancing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.client.ClientConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelTargetTest {

    @Test
    void oneServerKeepsGrpcsDefaultPolicy() {
        ChannelTarget t = ChannelTarget.parse(" localhost:50051 ");
        assertEquals("localhost:50051", t.target());
        assertFalse(t.balanced());
        assertNull(t.registry());
        assertNull(t.serviceConfig());
    }

    @Test
    void aDnsNameIsBalancedWithHealthChecks() {
        ChannelTarget t = ChannelTarget.parse("dns:///strobe-headless.default.svc.cluster.local:50051");
        assertTrue(t.balanced());
        assertNull(t.registry(), "gRPC's own DNS resolver");
        assertEquals(
                Map.of(
                        "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
                        "healthCheckConfig", Map.of("serviceName", "strobe.v1.ImageGenerator")),
                t.serviceConfig());
    }

    @Test
    void aListOfServersGetsItsOwnResolver() {
        ChannelTarget t = ChannelTarget.parse("127.0.0.1:54001, 127.0.0.1:54002,[::1]:54003,");
        assertTrue(t.balanced());
        assertEquals("static:///servers", t.target());
        assertNotNull(t.registry());
        assertNotNull(t.registry().asFactory().getDefaultScheme());
        assertEquals("static", t.registry().asFactory().getDefaultScheme());
    }

    @Test
    void addressesParseWithIpv6Brackets() {
        assertEquals(new ServerAddress("::1", 54003), ServerAddress.parse("[::1]:54003"));
        assertEquals("[::1]:54003", ServerAddress.parse("[::1]:54003").toString());
        assertEquals(new ServerAddress("replica-0.strobe", 50051), ServerAddress.parse("replica-0.strobe:50051"));
    }

    @Test
    void badTargetsSayWhatToWrite() {
        ClientConfigurationException empty =
                assertThrows(ClientConfigurationException.class, () -> ChannelTarget.parse(" , "));
        assertTrue(empty.getMessage().contains("host:port"), empty.getMessage());
        for (String bad : List.of("a:1,b", "a:1,b:0", "a:1,b:70000", "a:1,b:x", "a:1,::1:5", "a:1,[::1]5")) {
            ClientConfigurationException e =
                    assertThrows(ClientConfigurationException.class, () -> ChannelTarget.parse(bad), bad);
            assertTrue(e.getMessage().contains("is not a server address"), e.getMessage());
        }
        ClientConfigurationException mixed =
                assertThrows(ClientConfigurationException.class, () -> ChannelTarget.parse("a:1,dns:///b:2"));
        assertTrue(mixed.getMessage().contains("give it alone"), mixed.getMessage());
    }
}

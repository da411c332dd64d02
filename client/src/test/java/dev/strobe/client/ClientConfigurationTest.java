package dev.strobe.client;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void aClientCertificateNeedsItsKey() throws Exception {
        Path cert = Files.writeString(dir.resolve("client.pem"), "x");
        ClientConfigurationException e =
                assertThrows(ClientConfigurationException.class, () -> new TlsOptions(null, cert, null, null));
        assertTrue(e.getMessage().contains("--key"), e.getMessage());
    }

    @Test
    void aMissingCaFileIsNamed() {
        ClientConfigurationException e =
                assertThrows(ClientConfigurationException.class, () -> TlsOptions.trusting(dir.resolve("nope.pem")));
        assertTrue(e.getMessage().contains("nope.pem"), e.getMessage());
    }

    @Test
    void aCaFileThatIsNotPemIsReportedWhenBuilding() throws Exception {
        Path garbage = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        StrobeClient.Builder builder =
                StrobeClient.builder().target("localhost:1").tls(TlsOptions.trusting(garbage));
        ClientConfigurationException e = assertThrows(ClientConfigurationException.class, builder::build);
        assertTrue(e.getMessage().contains("certificate"), e.getMessage());
    }

    @Test
    void aTargetIsRequiredAndExcludesAChannel() {
        assertThrows(
                ClientConfigurationException.class, () -> StrobeClient.builder().build());
        assertThrows(
                ClientConfigurationException.class,
                () -> StrobeClient.builder().target(" ").build());
        assertThrows(
                ClientConfigurationException.class, () -> StrobeClient.builder().defaultDeadline(Duration.ZERO));
    }
}

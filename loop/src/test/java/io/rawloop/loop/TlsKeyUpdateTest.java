package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS 1.3's KeyUpdate (RFC 8446 §4.6.3), which no API makes the JDK send: it sends one when a
 * key has encrypted {@code jdk.tls.keyLimits} bytes, a security property read once per JVM, so
 * the test runs in child JVMs ({@link TlsKeyUpdateChild}) with the limit lowered. A KeyUpdate
 * with update_requested makes the receiving engine answer NEED_WRAP after the unwrap; the layer
 * must wrap then, or the answer would never leave. The server writes nothing, so any record it
 * sends during the upload is such an answer.
 */
@Timeout(120)
class TlsKeyUpdateTest {

    @Test
    void aKeyUpdateThatAsksForOursIsAnsweredAtOnce() throws Exception {
        long answers = recordsFromTheServer("low-key-limit");
        assertTrue(answers >= 8, "256 KiB at 16 KiB per key: the server answered " + answers + " KeyUpdates");
    }

    @Test
    void withTheDefaultLimitTheSilentServerSendsNothing() throws Exception {
        assertEquals(0, recordsFromTheServer("default-key-limit"), "so the records above are KeyUpdates");
    }

    private static long recordsFromTheServer(String mode) throws Exception {
        Path dir = Files.createTempDirectory("rawloop-keyupdate");
        try {
            String output = TestCertificates.run(dir, TestCertificates.tool("java"), "-cp",
                    System.getProperty("java.class.path"), TlsKeyUpdateChild.class.getName(), mode);
            String prefix = "records from the server during the upload: ";
            String line = output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("the child said:\n" + output));
            return Long.parseLong(line.substring(prefix.length()));
        } finally {
            TestCertificates.deleteTree(dir);
        }
    }
}

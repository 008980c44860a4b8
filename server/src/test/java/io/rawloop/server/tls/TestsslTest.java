package io.rawloop.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rawloop.loop.Clock;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * testssl.sh, the audit tool, against our TLS listener: its protocol check ({@code -p}) and its
 * cipher categories ({@code -s}), about half a minute on our machines, read from its JSON. No
 * protocol older than TLS 1.2 (RFC 8996) and no NULL, anonymous, EXPORT, LOW (DES, RC2, RC4) or
 * 3DES/IDEA suite. What it does find, and says at severity LOW, is "obsolete CBC ciphers": the
 * JDK's default suites still include ECDHE with AES-CBC for TLS 1.2, which we keep as they are.
 */
@Timeout(300)
class TestsslTest {

    /** One entry of testssl's flat JSON: an object of string fields, no nesting. */
    private static final Pattern ENTRY = Pattern.compile("\\{[^{}]*\\}");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Test
    void itFindsOnlyTls12And13AndNoWeakCipher(@TempDir Path dir) throws Exception {
        assumeTrue(TestPki.installed("testssl"), "testssl.sh is not installed (apt-get install testssl.sh)");
        TestPki pki = TestPki.create(dir);
        try (HttpServer server = HttpServer.start(List.of(HttpServer.Listener.tls(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        TlsFiles.serverContext(pki.file("localhost.pem"), pki.file("localhost.key")))), 1, ServerConfig.DEFAULT,
                new Router().get("/", Handler.of(r -> Response.text(200, "audited"))), Clock.system())) {
            // --warnings off: no question asked on a terminal it does not have.
            TestPki.Result run = TestPki.runWith(dir, null, List.of("testssl", "--quiet", "--color", "0", "--warnings", "off",
                    "-p", "-s", "--jsonfile", "testssl.json", "127.0.0.1:" + server.port()), 240);
            assertEquals(0, run.exit(), run.output());
            Map<String, String> found = findings(Files.readString(dir.resolve("testssl.json")));
            for (String old : List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1")) {
                assertEquals("not offered", found.get(old), old + ":\n" + run.output());
            }
            assertTrue(found.get("TLS1_2").startsWith("offered"), run.output());
            assertTrue(found.get("TLS1_3").startsWith("offered"), run.output());
            for (String weak : List.of("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW",
                    "cipherlist_3DES_IDEA")) {
                assertEquals("not offered", found.get(weak), weak + ":\n" + run.output());
            }
            assertEquals("offered", found.get("cipherlist_STRONG"), run.output());
            assertTrue(found.get("ALPN").contains("http/1.1"), run.output());
        }
    }

    /** Each id's finding; every severity above LOW (MEDIUM, HIGH, CRITICAL) fails the test. */
    private static Map<String, String> findings(String json) {
        Map<String, String> found = new LinkedHashMap<>();
        Matcher entry = ENTRY.matcher(json);
        while (entry.find()) {
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher field = FIELD.matcher(entry.group());
            while (field.find()) {
                fields.put(field.group(1), field.group(2));
            }
            String id = fields.get("id");
            assertTrue(List.of("OK", "INFO", "LOW").contains(fields.get("severity")), id + " is " + fields.get("severity")
                    + ": " + fields.get("finding"));
            found.put(id, fields.get("finding"));
        }
        assertTrue(found.containsKey("SSLv2") && found.containsKey("cipherlist_STRONG"), "testssl's JSON:\n" + json);
        return found;
    }
}

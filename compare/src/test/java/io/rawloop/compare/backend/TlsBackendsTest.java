package io.rawloop.compare.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every HTTP back-end serves /hello over TLS to the JDK's HttpClient, which trusts the bench's
 * certificate alone and checks its name (127.0.0.1); and all of them agree with it on the same
 * protocol and cipher suite, in TLS 1.3 and when the client offers only TLS 1.2: the same TLS,
 * whatever the stack.
 */
@Timeout(180)
class TlsBackendsTest {

    @Test
    void everyBackendAnswersHelloOverTlsWithTheSameProtocolAndSuite() throws Exception {
        for (String version : new String[] {"TLSv1.3", "TLSv1.2"}) {
            Map<Backend, String> agreed = new LinkedHashMap<>();
            for (Backend b : Backend.values()) {
                if (!b.servesTls()) {
                    continue;
                }
                SSLSession session = hello(b, version);
                agreed.put(b, session.getProtocol() + " " + session.getCipherSuite());
            }
            assertEquals(6, agreed.size(), agreed.toString());
            String loop = agreed.get(Backend.LOOP);
            assertTrue(loop.startsWith(version + " TLS_"), loop);
            for (Map.Entry<Backend, String> e : agreed.entrySet()) {
                assertEquals(loop, e.getValue(), e.getKey().id() + " agreed on other terms than loop, offered " + version);
            }
        }
    }

    @Test
    void nioFloorRefusesTlsAndSaysWhy() {
        assertTrue(!Backend.NIO_FLOOR.servesTls());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backend.NIO_FLOOR.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TestCertificate.get()));
        assertTrue(e.getMessage().contains("nio-floor does not serve TLS"), e.getMessage());
    }

    @Test
    void aCertificateMadeForARunIsDeletedWithItsDirectory() throws Exception {
        Path dir = Files.createTempDirectory("rawloop-tls-delete").resolve("run");
        BenchCertificate made = BenchCertificate.make(dir);
        assertTrue(Files.exists(made.keystore()) && Files.exists(made.passwordFile()) && Files.exists(made.certificate()));
        made.delete();
        assertTrue(!Files.exists(dir), "the directory it was made in is gone");
        Files.delete(dir.getParent());
    }

    /** GET /hello from {@code b} over TLS offering {@code version} only; the session it ran in. */
    private static SSLSession hello(Backend b, String version) throws Exception {
        try (Backend.Running running = b.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TestCertificate.get());
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .sslContext(TestCertificate.get().clientContext()).sslParameters(new SSLParameters(null, new String[] {version}))
                     .connectTimeout(Duration.ofSeconds(30)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + running.port() + "/hello"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), b.id());
            assertEquals("Hello, World!", r.body(), b.id());
            assertEquals("rawloop", r.headers().firstValue("server").orElse(""), b.id());
            return r.sslSession().orElseThrow(() -> new AssertionError(b.id() + ": no TLS session"));
        }
    }
}

package io.rawloop.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.rawloop.client.ClientConfig;
import io.rawloop.client.ClientTls;
import io.rawloop.client.HttpClient;
import io.rawloop.client.HttpClientException;
import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.client.HttpResponse;
import io.rawloop.loop.Clock;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rawloop's client on https:// URLs: against the JDK's HttpsServer and rawloop's own server,
 * trusting a CA file, refusing what it must (a name mismatch, a self-signed or unknown CA, an expired certificate, a
 * stalled handshake, a response cut short without close_notify) with a kind and a message that
 * say what failed.
 */
@Timeout(120)
class TlsClientTest {

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static HttpServer ours;
    private static HttpServer otherName;
    private static HttpServer selfSigned;
    private static HttpServer expired;
    private static HttpsServer jdk;
    private static EventLoop loop;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        Router routes = new Router()
                .get("/hello", Handler.of(r -> Response.text(200, "Hello, World!")))
                .get("/secure", Handler.of(r -> Response.of(301).header("Location",
                        "https://localhost:" + ours.address(1).getPort() + "/hello")));
        ours = HttpServer.start(List.of(HttpServer.Listener.plain(any), HttpServer.Listener.tls(any, context("localhost"))),
                1, ServerConfig.DEFAULT, routes, Clock.system());
        otherName = HttpServer.start(List.of(HttpServer.Listener.tls(any, context("other"))), 1, ServerConfig.DEFAULT, routes,
                Clock.system());
        selfSigned = HttpServer.start(List.of(HttpServer.Listener.tls(any, context("self"))), 1, ServerConfig.DEFAULT, routes,
                Clock.system());
        pki.expired();
        expired = HttpServer.start(List.of(HttpServer.Listener.tls(any, context("expired"))), 1, ServerConfig.DEFAULT, routes,
                Clock.system());
        jdk = HttpsServer.create(any, 0);
        jdk.setHttpsConfigurator(new HttpsConfigurator(context("localhost")));
        jdk.createContext("/hello", exchange -> {
            byte[] body = "Hello from the JDK".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jdk.start();
        loop = EventLoop.create();
        loop.start();
    }

    private static SSLContext context(String name) throws Exception {
        return TlsFiles.serverContext(pki.file(name + ".pem"), pki.file(name + ".key"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {ours, otherName, selfSigned, expired, loop}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the others still close
            }
        }
        if (jdk != null) {
            jdk.stop(0);
        }
    }

    private static ClientConfig trustingTheCa() throws Exception {
        return ClientConfig.DEFAULT.withTls(ClientTls.trusting(pki.file("ca.pem")));
    }

    private static String https(HttpServer server, String path) {
        return "https://localhost:" + server.address(server == ours ? 1 : 0).getPort() + path;
    }

    @Test
    void trustingTheCaFileItFetchesFromTheJdksHttpsServerAndOursOnOnePooledConnection() throws Exception {
        HttpClient client = onLoop(() -> HttpClient.create(loop, trustingTheCa()));
        assertEquals("Hello from the JDK", get(client, "https://localhost:" + jdk.getAddress().getPort() + "/hello").bodyText());
        assertEquals("Hello, World!", get(client, https(ours, "/hello")).bodyText());
        assertEquals("Hello, World!", get(client, https(ours, "/hello")).bodyText());
        assertEquals("Hello, World!", get(client, "https://127.0.0.1:" + ours.address(1).getPort() + "/hello").bodyText(),
                "an address is checked against the certificate's IP names, and no SNI is sent for it");
        assertEquals(3, onLoop(() -> client.stats().connectionsOpened()), "one per origin: the second request reused it");
    }

    @Test
    void aRedirectFromHttpToHttpsIsFollowedOnAConnectionOfItsOwn() throws Exception {
        HttpClient client = onLoop(() -> HttpClient.create(loop, trustingTheCa().withMaxRedirects(1)));
        HttpResponse r = get(client, "http://localhost:" + ours.address(0).getPort() + "/secure");
        assertEquals(200, r.status());
        assertEquals("Hello, World!", r.bodyText());
        assertEquals(2, onLoop(() -> client.stats().connectionsOpened()), "http and https never share a connection");
    }

    @Test
    void theJdksTrustStoreDoesNotKnowTheTestCa() throws Exception {
        HttpClient client = onLoop(() -> HttpClient.create(loop));
        HttpClientException e = failure(client, https(ours, "/hello"));
        assertEquals(Kind.TLS_HANDSHAKE, e.kind());
        assertTrue(e.reason().startsWith("TLS handshake with localhost:" + ours.address(1).getPort()
                + " failed: the server's certificate is not signed by a CA we trust, or is self-signed"), e.getMessage());
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        HttpClient client = onLoop(() -> HttpClient.create(loop, trustingTheCa()));
        HttpClientException e = failure(client, https(otherName, "/hello"));
        assertEquals(Kind.TLS_HANDSHAKE, e.kind());
        assertTrue(e.reason().contains("failed: the server's certificate is not for localhost"), e.getMessage());
    }

    @Test
    void aSelfSignedCertificateIsRefusedUnlessInsecure() throws Exception {
        HttpClient checking = onLoop(() -> HttpClient.create(loop, trustingTheCa()));
        HttpClientException e = failure(checking, https(selfSigned, "/hello"));
        assertEquals(Kind.TLS_HANDSHAKE, e.kind());
        assertTrue(e.reason().contains("not signed by a CA we trust, or is self-signed"), e.getMessage());
        HttpClient insecure = onLoop(() -> HttpClient.create(loop, ClientConfig.DEFAULT.withTls(ClientTls.unverified())));
        assertEquals("Hello, World!", get(insecure, https(selfSigned, "/hello")).bodyText());
        assertEquals("Hello, World!", get(insecure, https(otherName, "/hello")).bodyText(), "nor is the name checked");
    }

    @Test
    void anExpiredCertificateIsRefusedAsExpiredUnlessInsecure() throws Exception {
        HttpClient checking = onLoop(() -> HttpClient.create(loop, trustingTheCa()));
        HttpClientException e = failure(checking, https(expired, "/hello"));
        assertEquals(Kind.TLS_HANDSHAKE, e.kind());
        assertTrue(e.reason().contains("failed: the server's certificate has expired"), e.getMessage());
        assertTrue(e.reason().contains("NotAfter: "), "with the JDK's words, which give the date: " + e.reason());
        HttpClient insecure = onLoop(() -> HttpClient.create(loop, ClientConfig.DEFAULT.withTls(ClientTls.unverified())));
        assertEquals("Hello, World!", get(insecure, https(expired, "/hello")).bodyText());
    }

    @Test
    void aServerThatNeverAnswersTheClientHelloTimesTheHandshakeOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            // The kernel completes the TCP handshake from the backlog; nobody ever reads.
            HttpClient client = onLoop(() -> HttpClient.create(loop, ClientConfig.DEFAULT
                    .withTls(ClientTls.trusting(pki.file("ca.pem")).withHandshakeTimeout(Duration.ofMillis(300)))));
            HttpClientException e = failure(client, "https://localhost:" + silent.getLocalPort() + "/");
            assertEquals(Kind.HANDSHAKE_TIMEOUT, e.kind());
            assertEquals("the TLS handshake did not finish within 300 ms with localhost:" + silent.getLocalPort()
                    + " (handshake timeout)", e.reason());
        }
    }

    @Test
    void aBodyCutShortWithoutCloseNotifyIsReportedAsTruncated() throws Exception {
        for (String head : List.of("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")) {
            try (ServerSocket plain = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
                Thread server = Thread.ofPlatform().start(() -> answerThenFin(plain, head + "only ten.."));
                HttpClient client = onLoop(() -> HttpClient.create(loop, trustingTheCa()));
                HttpClientException e = failure(client, "https://localhost:" + plain.getLocalPort() + "/");
                assertEquals(Kind.TRUNCATED, e.kind(), e.getMessage());
                assertTrue(e.reason().startsWith("the connection ended without TLS close_notify after "), e.reason());
                assertTrue(e.reason().endsWith("bytes of the response: the response may be cut short (truncated)"), e.reason());
                server.join(30_000);
            }
        }
    }

    @Test
    void aServerThatSpeaksOnlyTls11IsRefusedForItsVersion() throws Exception {
        assumeTrue(TestPki.installed("openssl"), "openssl is not installed");
        // OpenSSL 3 offers TLS 1.1 only at security level 0; the server prints the port it bound.
        Process server = new ProcessBuilder("openssl", "s_server", "-accept", "0", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0",
                "-cert", "localhost.pem", "-key", "localhost.key", "-naccept", "1").directory(dir.toFile())
                .redirectErrorStream(true).start();
        java.util.concurrent.CompletableFuture.delayedExecutor(60, TimeUnit.SECONDS).execute(server::destroyForcibly);
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("ACCEPT")) {
                // "Using default temp DH parameters", then "ACCEPT [::]:PORT"
            }
            assumeTrue(line != null, "openssl s_server did not start");
            int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).strip());
            HttpClient client = onLoop(() -> HttpClient.create(loop, trustingTheCa()));
            HttpClientException e = failure(client, "https://localhost:" + port + "/");
            assertEquals(Kind.TLS_HANDSHAKE, e.kind(), e.getMessage());
            assertTrue(e.reason().contains("failed: no TLS version in common: we speak TLSv1.3 and TLSv1.2"), e.getMessage());
        } finally {
            server.destroyForcibly();
        }
    }

    /** A TLS server (the JDK's SSLSocket) that answers with {@code answer}, then sends FIN without close_notify. */
    private static void answerThenFin(ServerSocket plain, String answer) {
        try (Socket socket = plain.accept()) {
            socket.setSoTimeout(30_000);
            SSLSocket tls = (SSLSocket) context("localhost").getSocketFactory().createSocket(socket, null, socket.getPort(), false);
            tls.setUseClientMode(false);
            InputStream in = tls.getInputStream();
            StringBuilder request = new StringBuilder();
            while (!request.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                request.append((char) b);
            }
            tls.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            socket.shutdownOutput();   // beneath TLS: a FIN, no close_notify
            socket.getInputStream().readAllBytes();
        } catch (Exception ignored) {
            // the client's close ends it
        }
    }

    private static HttpResponse get(HttpClient client, String url) throws Exception {
        return await(() -> client.get(url));
    }

    private static HttpClientException failure(HttpClient client, String url) {
        return assertThrows(HttpClientException.class, () -> get(client, url));
    }

    private static <T> T onLoop(Callable<T> call) throws Exception {
        return LoopCalls.onLoop(loop, call);
    }

    private static <T> T await(Callable<Promise<T>> call) throws Exception {
        return LoopCalls.await(loop, call);
    }
}

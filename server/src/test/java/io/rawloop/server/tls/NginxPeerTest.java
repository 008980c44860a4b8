package io.rawloop.server.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.ClientConfig;
import io.rawloop.client.ClientTls;
import io.rawloop.client.HttpClient;
import io.rawloop.client.HttpClientException;
import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.client.HttpRequest;
import io.rawloop.client.HttpResponse;
import io.rawloop.loop.Clock;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rawloop's client against nginx with {@code ssl} (OpenSSL underneath), a server nobody here
 * wrote, started by the test ({@link Nginx}) with the certificates of {@link TestPki}: trusted by
 * the CA file it fetches and posts; a certificate for another name, a self-signed one and an
 * expired one are each refused with a kind and a message that say which, and taken only when
 * insecure.
 */
@Timeout(120)
class NginxPeerTest {

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static HttpServer upstream;
    private static Nginx nginx;
    private static EventLoop loop;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        pki.expired();
        upstream = HttpServer.start(List.of(HttpServer.Listener.plain(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))),
                1, ServerConfig.DEFAULT, new Router().route("POST", "/echo",
                        Handler.of(r -> Response.bytes(200, "application/octet-stream", r.body()))), Clock.system());
        nginx = Nginx.start(dir, upstream.port(), "localhost", "other", "self", "expired");
        loop = EventLoop.create();
        loop.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (loop != null) {
            loop.close();
        }
    }

    private static String url(String certificate, String path) {
        return "https://localhost:" + nginx.port(certificate) + path;
    }

    private static HttpClient client(ClientTls tls) throws Exception {
        return onLoop(() -> HttpClient.create(loop, ClientConfig.DEFAULT.withTls(tls)));
    }

    @Test
    void trustingTheCaFileItGetsAndPostsAMebibyteThroughNginx() throws Exception {
        HttpClient client = client(ClientTls.trusting(pki.file("ca.pem")));
        HttpResponse hello = await(() -> client.get(url("localhost", "/hello")));
        assertEquals(200, hello.status(), nginx.log());
        assertEquals("Hello from nginx\n", hello.bodyText());
        assertTrue(hello.header("Server").startsWith("nginx"), hello.header("Server"));
        byte[] body = new byte[1024 * 1024 + 7];
        new Random(17).nextBytes(body);
        // nginx decrypts the body, passes it to our plain server's /echo, and encrypts the answer.
        HttpResponse echo = await(() -> client.send(HttpRequest.newBuilder(url("localhost", "/echo")).method("POST")
                .body(body).build()));
        assertEquals(200, echo.status(), nginx.log());
        assertArrayEquals(body, echo.body());
        assertEquals("Hello from nginx\n", await(() -> client.get(url("localhost", "/hello"))).bodyText());
        assertEquals(1, onLoop(() -> client.stats().connectionsOpened()), "all three on one kept-alive connection");
    }

    @Test
    void aCertificateForAnotherNameIsRefusedUnlessInsecure() throws Exception {
        HttpClientException e = refusal(url("other", "/hello"));
        assertTrue(e.reason().contains("failed: the server's certificate is not for localhost"), e.getMessage());
        assertEquals("Hello from nginx\n", insecurely(url("other", "/hello")));
    }

    @Test
    void aSelfSignedCertificateIsRefusedUnlessInsecure() throws Exception {
        HttpClientException e = refusal(url("self", "/hello"));
        assertTrue(e.reason().contains("failed: the server's certificate is not signed by a CA we trust, or is self-signed"),
                e.getMessage());
        assertEquals("Hello from nginx\n", insecurely(url("self", "/hello")));
    }

    @Test
    void anExpiredCertificateIsRefusedAsExpiredUnlessInsecure() throws Exception {
        HttpClientException e = refusal(url("expired", "/hello"));
        assertTrue(e.reason().contains("failed: the server's certificate has expired"), e.getMessage());
        assertEquals("Hello from nginx\n", insecurely(url("expired", "/hello")));
    }

    /** A TLS_HANDSHAKE failure of a client trusting the test CA, naming the server. */
    private static HttpClientException refusal(String url) throws Exception {
        HttpClient client = client(ClientTls.trusting(pki.file("ca.pem")));
        HttpClientException e = assertThrows(HttpClientException.class, () -> await(() -> client.get(url)));
        assertEquals(Kind.TLS_HANDSHAKE, e.kind(), e.getMessage());
        assertTrue(e.reason().startsWith("TLS handshake with localhost:"), e.reason());
        return e;
    }

    private static String insecurely(String url) throws Exception {
        HttpClient insecure = client(ClientTls.unverified());
        return await(() -> insecure.get(url)).bodyText();
    }

    private static <T> T onLoop(Callable<T> call) throws Exception {
        return LoopCalls.onLoop(loop, call);
    }

    private static <T> T await(Callable<Promise<T>> call) throws Exception {
        return LoopCalls.await(loop, call);
    }
}

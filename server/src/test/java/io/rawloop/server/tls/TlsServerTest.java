package io.rawloop.server.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rawloop.loop.Clock;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import io.rawloop.server.Sockets;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * rawloop's server on a TLS listener, against real TLS stacks: curl (OpenSSL), openssl s_client,
 * gnutls-cli, and the JDK's java.net.http client. Certificates from {@link TestPki}.
 */
@Timeout(120)
class TlsServerTest {

    private static final byte[] BIG = new byte[3 * 1024 * 1024 + 17];

    static {
        new Random(11).nextBytes(BIG);
    }

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static HttpServer server;
    private static int httpsPort;
    private static int httpPort;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        Router routes = new Router()
                .get("/hello", Handler.of(r -> Response.text(200, "Hello, World!")))
                .route("POST", "/echo", Handler.of(r -> Response.bytes(200, "application/octet-stream", r.body())))
                .get("/big", Handler.of(r -> Response.bytes(200, "application/octet-stream", BIG)))
                .get("/file", Handler.of(r -> {
                    try {
                        return Response.file(200, "application/octet-stream",
                                java.nio.channels.FileChannel.open(dir.resolve("big.bin")), BIG.length);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = HttpServer.start(List.of(HttpServer.Listener.plain(any),
                        HttpServer.Listener.tls(any, TlsFiles.serverContext(pki.file("localhost.pem"), pki.file("localhost.key")))),
                2, ServerConfig.DEFAULT, routes, Clock.system());
        httpPort = server.address(0).getPort();
        httpsPort = server.address(1).getPort();
        Files.write(dir.resolve("big.bin"), BIG);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String https(String path) {
        return "https://localhost:" + httpsPort + path;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1.3", "1.2"})
    void curlTrustingTheCaFileGetsAnswersOverTls(String version) throws Exception {
        assumeTrue(TestPki.installed("curl"), "curl is not installed");
        String out = TestPki.run(dir, "curl", "-sS", "--cacert", "ca.pem", "--tlsv" + version, "--tls-max", version,
                "-w", " %{http_code} %{scheme}", https("/hello"));
        assertEquals("Hello, World! 200 HTTPS", out);
        String verbose = TestPki.run(dir, "curl", "-sS", "-v", "-o", "/dev/null", "--cacert", "ca.pem", "--tlsv" + version,
                "--tls-max", version, https("/hello"));
        assertTrue(verbose.contains("SSL connection using TLSv" + version), verbose);
        assertTrue(verbose.contains("ALPN: server accepted http/1.1"), verbose);
    }

    @Test
    void curlSendsAndReceivesMegabytesAndWaitsFor100ContinueOverTls() throws Exception {
        assumeTrue(TestPki.installed("curl"), "curl is not installed");
        TestPki.run(dir, "curl", "-sS", "--cacert", "ca.pem", "-o", "down.bin", https("/big"));
        assertArrayEquals(BIG, Files.readAllBytes(dir.resolve("down.bin")));
        // A file response: no sendfile under TLS, so it is read and encrypted piece by piece.
        TestPki.run(dir, "curl", "-sS", "--cacert", "ca.pem", "-o", "file.bin", https("/file"), "-o", "file2.bin",
                "-H", "Connection: close", https("/file"));
        assertArrayEquals(BIG, Files.readAllBytes(dir.resolve("file.bin")));
        assertArrayEquals(BIG, Files.readAllBytes(dir.resolve("file2.bin")), "and with Connection: close, the"
                + " close_notify after the whole file");
        String verbose = TestPki.run(dir, "curl", "-sS", "-v", "--cacert", "ca.pem", "-H", "Expect: 100-continue",
                "--data-binary", "@big.bin", "-o", "echo.bin", https("/echo"));
        assertTrue(verbose.contains("HTTP/1.1 100 Continue"), verbose);
        assertArrayEquals(BIG, Files.readAllBytes(dir.resolve("echo.bin")));
    }

    @Test
    void opensslSClientPipelinesThreeRequestsAndTls11IsRefused() throws Exception {
        String request = "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n";
        byte[] three = (request + request + request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
                .getBytes(StandardCharsets.US_ASCII);
        TestPki.Result r = TestPki.runWith(dir, three, List.of("openssl", "s_client", "-quiet", "-verify_return_error",
                "-CAfile", "ca.pem", "-servername", "localhost", "-verify_hostname", "localhost",
                "-connect", "127.0.0.1:" + httpsPort));
        assertEquals(3, r.output().split("Hello, World!", -1).length - 1, r.output());
        TestPki.Result old = TestPki.runWith(dir, new byte[0], List.of("openssl", "s_client", "-tls1_1",
                "-connect", "127.0.0.1:" + httpsPort));
        assertNotEquals(0, old.exit(), "TLS 1.1 must not be negotiated (RFC 8996):\n" + old.output());
        assertTrue(old.output().contains("Cipher is (NONE)"), "no session was made:\n" + old.output());
    }

    @Test
    void gnutlsCliGetsAnAnswer() throws Exception {
        assumeTrue(TestPki.installed("gnutls-cli"), "gnutls-cli is not installed (apt-get install gnutls-bin)");
        byte[] request = "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        // Ten times: its stdin ends with the request, so its close_notify comes right behind it, and
        // a server that lost the answer in that race lost it about one time in two (a lent TLS flush did).
        for (int i = 0; i < 10; i++) {
            TestPki.Result r = TestPki.runWith(dir, request, List.of("gnutls-cli", "--x509cafile", "ca.pem",
                    "-p", Integer.toString(httpsPort), "localhost"));
            assertTrue(r.output().contains("HTTP/1.1 200 OK") && r.output().contains("Hello, World!"), "run " + i + ": " + r.output());
        }
    }

    @Test
    void theJdkHttpClientTrustingTheCaGetsAndPostsOverTls() throws Exception {
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .sslContext(TlsFiles.clientContext(pki.file("ca.pem"))).version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            var get = client.send(java.net.http.HttpRequest.newBuilder(URI.create(https("/hello"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, get.statusCode());
            assertEquals("Hello, World!", get.body());
            var post = client.send(java.net.http.HttpRequest.newBuilder(URI.create(https("/echo")))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(BIG)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(BIG, post.body());
        }
    }

    @Test
    void plainHttpOnTheTlsPortGetsNginxs400AndGarbageGetsNothingWhileOthersAreServed() throws Exception {
        long failuresBefore = server.tlsStats().handshakeFailures();
        assertEquals("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 46\r\n"
                        + "Connection: close\r\n\r\nThe plain HTTP request was sent to HTTPS port\n",
                exchange(httpsPort, "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        byte[] garbage = new byte[300];
        new Random(3).nextBytes(garbage);
        garbage[0] = 1;
        assertEquals("", exchange(httpsPort, garbage));
        // A TLS-looking record that is not a ClientHello: the engine's alert, never plaintext.
        String alert = exchange(httpsPort, new byte[] {22, 3, 1, 0, 5, 1, 0, 0, 1, 0});
        assertTrue(alert.isEmpty() || alert.charAt(0) == 21, "an alert record or nothing: " + alert);
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .sslContext(TlsFiles.clientContext(pki.file("ca.pem"))).build()) {
            assertEquals("Hello, World!", client.send(java.net.http.HttpRequest.newBuilder(URI.create(https("/hello"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body(), "the server goes on serving");
        }
        assertEquals("Hello, World!", exchange(httpPort,
                "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
                .split("\r\n\r\n", 2)[1], "and plain HTTP on the plain port");
        assertTrue(server.tlsStats().handshakeFailures() >= failuresBefore + 3, server.tlsStats().toString());
        assertTrue(server.tlsStats().versions().containsKey("TLSv1.3"), server.tlsStats().toString());
    }

    /** Sends {@code bytes} on a plain socket; all it gets back until the server closes. */
    private static String exchange(int port, byte[] bytes) throws Exception {
        try (Socket socket = Sockets.open(port)) {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}

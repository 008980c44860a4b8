package io.rawloop.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.cli.ClientCommand;
import io.rawloop.loop.Clock;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fetch} and {@code raw} on https, with curl's --cacert and --insecure, against rawloop's server. */
@Timeout(120)
class TlsCommandsTest {

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static HttpServer server;
    private static HttpServer selfSigned;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        Router routes = new Router().get("/hello", Handler.of(r -> Response.text(200, "Hello, World!")));
        server = HttpServer.start(List.of(HttpServer.Listener.tls(any,
                TlsFiles.serverContext(pki.file("localhost.pem"), pki.file("localhost.key")))), 1, ServerConfig.DEFAULT, routes,
                Clock.system());
        selfSigned = HttpServer.start(List.of(HttpServer.Listener.tls(any,
                TlsFiles.serverContext(pki.file("self.pem"), pki.file("self.key")))), 1, ServerConfig.DEFAULT, routes,
                Clock.system());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (selfSigned != null) {
            selfSigned.close();
        }
    }

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = new CommandLine(new ClientCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void fetchTrustsTheCaFileInEveryModeAndRefusesWithoutIt() {
        String url = "https://localhost:" + server.port() + "/hello";
        for (String mode : List.of("loop", "sequential", "virtual", "jdk")) {
            Run r = run("fetch", "--mode", mode, "--cacert", pki.file("ca.pem").toString(), url);
            assertEquals(0, r.exit(), mode + ": " + r.out() + r.err());
            assertTrue(r.out().contains("200") && r.out().contains(url), r.out());
        }
        Run refused = run("fetch", url);
        assertEquals(1, refused.exit(), refused.out());
        assertTrue(refused.out().contains("the server's certificate is not signed by a CA we trust"), refused.out());
    }

    @Test
    void fetchInsecureTakesASelfSignedServerAndABadCaFileIsAUsageError() {
        String url = "https://localhost:" + selfSigned.port() + "/hello";
        Run r = run("fetch", "--insecure", url);
        assertEquals(0, r.exit(), r.out() + r.err());
        Run missing = run("fetch", "--cacert", dir.resolve("none.pem").toString(), url);
        assertEquals(2, missing.exit());
        assertTrue(missing.err().startsWith("--cacert: "), missing.err());
        Run both = run("fetch", "--cacert", pki.file("ca.pem").toString(), "-k", url);
        assertEquals(2, both.exit());
        assertEquals("--cacert and --insecure contradict each other: give one\n", both.err());
    }

    @Test
    void rawSpeaksTlsAndShowsTheHandshakeAndThePlaintext() {
        Run r = run("raw", "localhost:" + server.port(), "--tls", "--cacert", pki.file("ca.pem").toString(),
                "--send", "GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("TLS handshake done: TLSv1.3, TLS_"), r.out());
        assertTrue(r.out().contains("ALPN http/1.1"), r.out());
        assertTrue(r.out().contains("HTTP/1.1 200 OK") && r.out().contains("Hello, World!"), r.out());
        assertTrue(r.out().contains("end of stream: the server sent close_notify"), r.out());
        Run untrusted = run("raw", "localhost:" + server.port(), "--tls", "--send", "x");
        assertTrue(untrusted.out().contains("connection closed: TLS handshake failed"), untrusted.out());
        Run plain = run("raw", "localhost:" + server.port(), "--insecure", "--send", "x");
        assertEquals(2, plain.exit());
        assertEquals("--cacert and --insecure go with --tls\n", plain.err());
    }
}

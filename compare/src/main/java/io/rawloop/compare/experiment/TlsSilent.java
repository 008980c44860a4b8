package io.rawloop.compare.experiment;

import io.rawloop.client.ClientConfig;
import io.rawloop.client.ClientTls;
import io.rawloop.client.HttpClient;
import io.rawloop.client.HttpRequest;
import io.rawloop.client.HttpResponse;
import io.rawloop.loop.Clock;
import io.rawloop.loop.Coroutine;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.IoErrors;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The silent TLS flood, measured: N connections that open and never send a ClientHello, against
 * rawloop's TLS listener (one loop), and what they cost a normal https client. Each silent
 * connection holds a socket, a selector registration and a handshake timer until the handshake
 * timeout; the question is whether the loop's work for everyone else grows with them. The client
 * (rawloop's, on a loop of its own, trusting the server's certificate) sends one request at a
 * time for {@code duration}, over one kept-alive connection and then with a new connection (a full
 * handshake) per request: with no flood, with N silent connections open, and with no flood again
 * (A-B-A, so that the machine's drift shows); each phase's p50 and p99, and the p99 during the
 * flood over the mean of the p99s without.
 *
 * <p>SIMPLIFICATION: server, client and flood share this JVM and its cores, as the loop's tests
 * do; the figure to watch is the ratio, taken on the same machine minutes apart. The server's
 * handshake and request-head timeouts are set past the phases' end, so that the flood stays
 * whole while measured; that it is closed at the timeout is tested ({@code TlsHostilePeersTest}),
 * not measured.
 */
final class TlsSilent {

    private TlsSilent() {
    }

    static String run(int connections, Duration duration) throws Exception {
        Path dir = Files.createTempDirectory("rawloop-tls-silent");
        // The request head's timeout runs from the accept too, and would close the flood first.
        Duration outlast = duration.multipliedBy(5).plusSeconds(30);
        ServerConfig config = ServerConfig.DEFAULT.withHandshakeTimeout(outlast).withHeaderTimeout(outlast)
                .withMaxConnections(Math.max(ServerConfig.DEFAULT.maxConnections(), connections + 100));
        try (HttpServer server = HttpServer.start(List.of(HttpServer.Listener.tls(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), serverContext(dir))), 1, config,
                new Router().get("/hello", Handler.of(r -> Response.text(200, "Hello, World!"))), Clock.system());
             EventLoop loop = EventLoop.create()) {
            loop.start();
            HttpClient client = loop.submit(() -> HttpClient.create(loop, ClientConfig.DEFAULT
                    .withTls(ClientTls.trusting(dir.resolve("cert.pem"))))).get(30, TimeUnit.SECONDS);
            String url = "https://localhost:" + server.port() + "/hello";
            // Warm-up as long as a phase: with 2 s, the first phase still ran in part interpreted
            // and came out several times slower than the same phase run last.
            phases(loop, client, url, duration.compareTo(Duration.ofSeconds(2)) > 0 ? duration : Duration.ofSeconds(2));
            Histogram[] before = phases(loop, client, url, duration);
            Histogram[] during;
            int held;
            List<Socket> silent = flood(server.port(), connections);
            try {
                await(server, "all " + connections + " accepted", () -> server.stats().openConnections() >= connections);
                during = phases(loop, client, url, duration);
                held = server.stats().openConnections();
            } finally {
                silent.forEach(IoErrors::closeQuietly);
            }
            await(server, "the flood closed", () -> server.stats().openConnections() <= 1);   // the client's, at most
            Histogram[] after = phases(loop, client, url, duration);
            Table t = new Table("https client", "phase", "requests", "p50 ms", "p99 ms", "max ms");
            String[] clients = {"kept-alive connection", "new connection per request"};
            for (int c = 0; c < 2; c++) {
                row(t, clients[c], "no flood", before[c]);
                row(t, clients[c], connections + " silent", during[c]);
                row(t, clients[c], "no flood, after", after[c]);
            }
            return String.format(Locale.ROOT, "The silent TLS flood: %,d connections that never send a ClientHello"
                            + " (the server held %,d open at the end, the client's among them), one https request"
                            + " at a time, %d s per phase%n%n", connections, held, duration.toSeconds()) + t
                    + String.format(Locale.ROOT, "%np99 with the flood / without (the mean of before and after):"
                            + " kept-alive %.2f×, new connection %.2f×%n", ratio(before[0], during[0], after[0]),
                    ratio(before[1], during[1], after[1]));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Both clients in turn, each for {@code duration}: kept-alive, then a new connection per request. */
    private static Histogram[] phases(EventLoop loop, HttpClient client, String url, Duration duration) throws Exception {
        return new Histogram[] {measure(loop, client, url, false, duration), measure(loop, client, url, true, duration)};
    }

    /**
     * One request at a time on the client's loop, for {@code duration}: each one's latency, from
     * the call to the whole response. With {@code fresh}, {@code Connection: close} makes the
     * server close after each answer, so that the next request opens (and handshakes) anew.
     */
    private static Histogram measure(EventLoop loop, HttpClient client, String url, boolean fresh, Duration duration)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url);
        if (fresh) {
            request.header("Connection", "close");
        }
        HttpRequest built = request.build();
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
        long end = System.nanoTime() + duration.toNanos();
        loop.submit(() -> Coroutine.spawn(loop, () -> {
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                HttpResponse r = Coroutine.await(client.send(built));
                if (r.status() != 200) {
                    throw new IOException("the server answered " + r.status());
                }
                h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - start) / 1000));
            }
            return null;
        }).toCompletableFuture()).get(30, TimeUnit.SECONDS).get(duration.toSeconds() + 60, TimeUnit.SECONDS);
        return h;
    }

    /** {@code n} connections to {@code port} that send nothing. */
    private static List<Socket> flood(int port, int n) throws IOException {
        List<Socket> silent = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                silent.add(new Socket(InetAddress.getLoopbackAddress(), port));
            }
        } catch (IOException e) {
            silent.forEach(IoErrors::closeQuietly);
            throw new IOException("opened " + silent.size() + " of " + n + " silent connections, then: " + IoErrors.reason(e)
                    + " (each takes two file descriptors here, the client's and the server's: see ulimit -n)", e);
        }
        return silent;
    }

    /** Until {@code condition} holds, turning the server's loop, for at most 60 s. */
    private static void await(HttpServer server, String what, java.util.function.BooleanSupplier condition)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("not within 60 s: " + what + " (" + server.stats().openConnections() + " open)");
            }
            server.loops().get(0).submit(() -> null).get(30, TimeUnit.SECONDS);   // one turn of its loop
        }
    }

    /**
     * A throwaway self-signed certificate for localhost, made by the running JDK's keytool:
     * {@code server.p12} for the server, {@code cert.pem} for the client to trust.
     */
    private static javax.net.ssl.SSLContext serverContext(Path dir) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Files.writeString(dir.resolve("password"), "tls-silent\n");
        keytool(dir, keytool, "-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-keystore", "server.p12", "-storetype", "PKCS12", "-storepass", "tls-silent");
        keytool(dir, keytool, "-exportcert", "-rfc", "-alias", "localhost", "-keystore", "server.p12",
                "-storepass", "tls-silent", "-file", "cert.pem");
        return TlsFiles.serverContextFromPkcs12(dir.resolve("server.p12"), dir.resolve("password"));
    }

    private static void keytool(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }

    private static void row(Table t, String client, String phase, Histogram h) {
        t.row(client, phase, h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()));
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.2f", micros / 1000.0);
    }

    /** The p99 during the flood over the mean of the p99s before and after it (an A-B-A design, so that drift shows). */
    private static double ratio(Histogram before, Histogram during, Histogram after) {
        double without = (before.getValueAtPercentile(99) + after.getValueAtPercentile(99)) / 2.0;
        return during.getValueAtPercentile(99) / Math.max(1, without);
    }
}

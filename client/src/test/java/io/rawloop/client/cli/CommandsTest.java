package io.rawloop.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The command lines, run in-process against real sockets. */
@Timeout(120)
class CommandsTest {

    /** What a run printed, and its exit status. */
    record Run(int exit, String out, String err) {
    }

    private static Run run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * The JDK's own HTTP server (a server nobody here wrote), on virtual threads: /page/N answers
     * N lines; anything else answers "Hello, World!".
     */
    private static com.sun.net.httpserver.HttpServer jdkServer() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            if (path.startsWith("/page/")) {
                String n = path.substring(6);
                body = ("page " + n + "\n").repeat(Integer.parseInt(n)).getBytes(StandardCharsets.UTF_8);
            } else {
                body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    @Test
    void fetchInEveryModeGetsTheSameBytes() throws Exception {
        com.sun.net.httpserver.HttpServer server = jdkServer();
        try {
            List<String> urls = new ArrayList<>();
            for (int i = 1; i <= 30; i++) {
                urls.add("http://127.0.0.1:" + server.getAddress().getPort() + "/page/" + i);
            }
            List<Fetched> reference = null;
            for (String mode : List.of("loop", "sequential", "threads", "virtual", "jdk")) {
                CommandLine cli = ClientCommand.commandLine();
                FetchCommand fetch = cli.getSubcommands().get("fetch").getCommand();
                fetch.results = Collections.synchronizedList(new ArrayList<>());
                List<String> args = new ArrayList<>(List.of("fetch", "--mode", mode, "--concurrency", "8"));
                args.addAll(urls);
                Run r = run(cli, args.toArray(String[]::new));
                assertEquals(0, r.exit(), r.out() + r.err());
                String[] lines = r.out().split("\n");
                assertEquals(31, lines.length, r.out());
                assertTrue(lines[30].matches("30 URLs, \\d+ bytes in [0-9.]+ s \\(" + mode + ", concurrency (8|1)\\)"), lines[30]);
                assertTrue(lines[0].matches("200 \\d+ bytes \\d+ ms http://127\\.0\\.0\\.1:\\d+/page/\\d+"), lines[0]);
                List<Fetched> sorted = new ArrayList<>(fetch.results);
                sorted.sort(Comparator.comparing(Fetched::url));
                if (reference == null) {
                    reference = sorted;
                } else {
                    for (int i = 0; i < sorted.size(); i++) {
                        assertEquals(reference.get(i).url(), sorted.get(i).url());
                        assertArrayEquals(reference.get(i).body(), sorted.get(i).body(), mode + " " + sorted.get(i).url());
                    }
                }
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void fetchReadsUrlsFromAFileAndRepeatsThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        com.sun.net.httpserver.HttpServer server = jdkServer();
        try {
            int port = server.getAddress().getPort();
            java.nio.file.Path list = dir.resolve("urls.txt");
            java.nio.file.Files.writeString(list, "# two URLs\nhttp://127.0.0.1:" + port + "/hello\n\n"
                    + "http://127.0.0.1:" + port + "/hello?again\n");
            Run r = run(ClientCommand.commandLine(), "fetch", "--urls", list.toString(), "--repeat", "3", "--quiet");
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().matches("6 URLs, 78 bytes in [0-9.]+ s \\(loop, concurrency 10\\)\n"), r.out());
            Run missing = run(ClientCommand.commandLine(), "fetch", "--urls", dir.resolve("nope.txt").toString());
            assertEquals(2, missing.exit());
            assertTrue(missing.err().contains("--urls: cannot read"), missing.err());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void fetchReportsFailuresInItsLinesAndItsExitStatus() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        for (String mode : List.of("loop", "sequential", "threads", "virtual")) {
            Run r = run(ClientCommand.commandLine(), "fetch", "--mode", mode, "http://127.0.0.1:" + closed + "/x",
                    "ftp://example.com/");
            assertEquals(1, r.exit(), r.out());
            assertTrue(r.out().contains("ERROR") && r.out().contains("http://127.0.0.1:" + closed + "/x: connect to"), r.out());
            assertTrue(r.out().contains("only http:// and https:// URLs can be fetched"), r.out());
            assertTrue(r.out().contains("2 URLs, 0 bytes") && r.out().contains("2 failed"), r.out());
        }
        Run badMode = run(ClientCommand.commandLine(), "fetch", "--mode", "fibers", "http://127.0.0.1/");
        assertEquals(2, badMode.exit());
        assertTrue(badMode.err().contains("--mode must be loop, sequential, threads, virtual or jdk, not 'fibers'"), badMode.err());
        Run none = run(ClientCommand.commandLine(), "fetch");
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("no URL given"), none.err());
    }

    @Test
    void rawSendsExactlyTheBytesAskedForAndPrintsWhatCameBack() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> seen = CompletableFuture.supplyAsync(() -> {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(30_000);
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    int b;
                    while ((b = in.read()) >= 0) {   // until the client's half-close
                        all.write(b);
                    }
                    s.getOutputStream().write(new byte[] {'h', 'i', 1, '\r', '\n'});
                    return all.toByteArray();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Run r = run(ClientCommand.commandLine(), "raw", "127.0.0.1:" + listener.getLocalPort(),
                    "--send", "GET / HTTP/1.1\\r\\nHost: \\x41\\t\\0\\\\\\r\\n\\r\\n", "--chunk", "3", "--half-close");
            byte[] expected = "GET / HTTP/1.1\r\nHost: A\t\0\\\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            assertArrayEquals(expected, seen.join());
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("sent 3 bytes (3 of " + expected.length + ")"), r.out());
            assertTrue(r.out().contains("shut down our output (FIN)"), r.out());
            assertTrue(r.out().contains("received 5 bytes"), r.out());
            assertTrue(r.out().contains("end of stream"), r.out());
            assertTrue(r.out().contains("--- 5 bytes received ---\nhi\\x01\\r\\n\n"), r.out());
        }
    }

    @Test
    void rawRefusesBadInputWithAMessage() {
        Run badTarget = run(ClientCommand.commandLine(), "raw", "localhost", "--send", "x");
        assertEquals(2, badTarget.exit());
        assertTrue(badTarget.err().contains("'localhost' is not HOST:PORT"), badTarget.err());
        Run badEscape = run(ClientCommand.commandLine(), "raw", "127.0.0.1:9", "--send", "a\\q");
        assertEquals(2, badEscape.exit());
        assertTrue(badEscape.err().contains("unknown escape \\q at offset 1"), badEscape.err());
        Run shortHex = run(ClientCommand.commandLine(), "raw", "127.0.0.1:9", "--send", "\\x4");
        assertEquals(2, shortHex.exit());
        assertTrue(shortHex.err().contains("\\x needs two hex digits"), shortHex.err());
    }
}

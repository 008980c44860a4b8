package io.rawloop.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rawloop.server.HttpServer;
import io.rawloop.server.ServerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo's live side: /events as a real stream, /metrics as Prometheus reads it, /block, and debug mode's log. */
@Timeout(120)
class LiveDemoTest {

    @TempDir
    Path tmp;
    private HttpServer server;
    private DemoApp.Live app;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private void start(int loops) throws Exception {
        AtomicReference<HttpServer> running = new AtomicReference<>();
        app = DemoApp.routes(running::get, new StaticFiles(null), new RequestFigures());
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops, ServerConfig.DEFAULT,
                app.handler());
        running.set(server);
    }

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within 30 s: " + what);
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }

    @Test
    void eventsStreamsTicksAndEndsWhenTheClientGoesAway() throws Exception {
        start(1);
        int timersBefore = server.loops().get(0).submit(() -> server.loops().get(0).stats().pendingTimers()).get();
        List<String> data = new ArrayList<>();
        String head;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder h = new StringBuilder();
            for (String line; !(line = in.readLine()).isEmpty(); ) {
                h.append(line).append('\n');
            }
            head = h.toString();
            for (String line; data.size() < 3 && (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }
            assertEquals(1, app.events().openStreams());
        }   // the client goes away without a word
        assertTrue(head.contains("Content-Type: text/event-stream"), head);
        assertTrue(head.contains("Transfer-Encoding: chunked"), head);
        assertTrue(data.get(2).matches("\\{\"time\":\\d+,\"connections\":1,\"requests\":1,\"loops\":\\[\\{\"name\":\"rawloop-server-1\",\"utilization\":[0-9.]+,"
                + "\"delayP50Ms\":[0-9.]+,\"delayP99Ms\":[0-9.]+,.*\\}]}"), data.get(2));
        waitFor("the stream ends with its client", () -> app.events().openStreams() == 0);
        waitFor("the connection closes", () -> server.stats().openConnections() == 0);
        waitFor("the stream's timer is cancelled", () -> server.loops().get(0).stats().pendingTimers() <= timersBefore);
    }

    @Test
    void closeEndsEveryStreamCleanly() throws Exception {
        start(1);
        HttpResponse<java.util.stream.Stream<String>> stream = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        java.util.Iterator<String> lines = stream.body().iterator();
        while (!lines.next().startsWith("data: ")) {
            // up to the first tick
        }
        app.events().close();
        long rest = 0;
        while (lines.hasNext()) {   // ends: the last chunk came
            lines.next();
            rest++;
        }
        assertTrue(rest < 100, "ended, after " + rest + " more lines");
        assertEquals(0, app.events().openStreams());
    }

    @Test
    void blockAnswersWhichLoopItBlockedAndRefusesBadInput() throws Exception {
        start(2);
        assertTrue(get("/block?ms=5").body().matches("\\{\"loop\":\"rawloop-server-\\d\",\"ms\":5,\"offloaded\":false,\"rounds\":-?\\d+}\\n"));
        assertTrue(get("/block?ms=5&offload=true").body().contains("\"offloaded\":true"));
        HttpResponse<String> bad = get("/block?ms=0");
        assertEquals(400, bad.statusCode());
        assertEquals("400 Bad Request: ms must be from 1 to 10000, not 0\n", bad.body());
        String index = get("/").body();
        for (String link : new String[] {"href=\"/events\"", "href=\"/metrics\"", "href=\"/block?ms=200\"", "src=\"/live.js\"",
            "href=\"/live.css\""}) {
            assertTrue(index.contains(link), link);
        }
        assertEquals("text/javascript; charset=utf-8", get("/live.js").headers().firstValue("content-type").orElseThrow());
    }

    @Test
    void metricsParseAsPrometheusText() throws Exception {
        start(2);
        get("/hello");
        get("/block?ms=30");
        HttpResponse<String> metrics = get("/metrics");
        assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().firstValue("content-type").orElseThrow());
        String python = pythonWithPrometheusClient();
        assumeTrue(python != null, "no python3 with prometheus_client here (.ci/run installs python3-prometheus-client)");
        Path file = tmp.resolve("metrics.txt");
        Files.writeString(file, metrics.body());
        Process p = new ProcessBuilder(python, "-c", """
                import sys
                from prometheus_client.parser import text_string_to_metric_families
                for f in text_string_to_metric_families(open(sys.argv[1]).read()):
                    for s in f.samples:
                        print(f.type, s.name, ",".join(k + "=" + v for k, v in sorted(s.labels.items())), s.value)
                """, file.toString()).redirectErrorStream(true).start();
        String parsed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), parsed);
        List<String> lines = parsed.lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("gauge rawloop_loop_utilization_ratio loop=rawloop-server-1 [0-9.e-]+")), parsed);
        assertTrue(lines.contains("histogram rawloop_loop_delay_seconds_bucket le=+Inf,loop=rawloop-server-2 "
                + lines.stream().filter(l -> l.startsWith("histogram rawloop_loop_delay_seconds_count loop=rawloop-server-2 "))
                        .findFirst().orElseThrow().split(" ")[3]), parsed);
        double requests = lines.stream().filter(l -> l.startsWith("counter rawloop_http_requests_total "))
                .mapToDouble(l -> Double.parseDouble(l.split(" ")[3])).sum();
        assertEquals(3.0, requests, "/hello, /block and /metrics itself");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("histogram rawloop_http_request_duration_seconds_bucket le=0.25,")), parsed);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("gauge rawloop_http_connections_open  ")), parsed);
    }

    /** A python3 that can import prometheus_client: the one on the PATH, or Debian's. */
    private static String pythonWithPrometheusClient() throws InterruptedException {
        for (String python : new String[] {"python3", "/usr/bin/python3"}) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import prometheus_client").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) {
                    return python;
                }
            } catch (java.io.IOException notThere) {
                // try the next one
            }
        }
        return null;
    }

    @Test
    void debugModeNamesTheRequestOfASlowCallback() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.rawloop.loop");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        System.setProperty("rawloop.debug", "true");   // what the demo's --debug does
        try {
            start(1);
        } finally {
            System.clearProperty("rawloop.debug");
        }
        try {
            assertTrue(server.loops().get(0).isDebug());
            get("/block?ms=150");
            waitFor("the slow callback is logged", () -> logged.stream().anyMatch(l -> l.startsWith("slow callback:")));
            String line = logged.stream().filter(l -> l.startsWith("slow callback:")).findFirst().orElseThrow();
            assertTrue(line.matches("slow callback: \\d+ ms in GET /block\\?ms=150 on rawloop-server-1"), line);
        } finally {
            logger.removeHandler(capture);
        }
    }
}

package io.rawloop.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo as a real process: real signals, real exit status. */
class DemoProcessTest {

    @Test
    @Timeout(120)
    void sigtermFinishesAHundredInFlightRequestsThenExitsZero() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process demo = new ProcessBuilder(java, "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), DemoServer.class.getName(), "--port", "0", "--loops", "2")
                .redirectErrorStream(true).start();
        // A read of the demo's output cannot be interrupted by @Timeout: past the deadline the
        // demo is killed, and the read ends (with null) instead of hanging the build.
        CompletableFuture.delayedExecutor(110, TimeUnit.SECONDS).execute(demo::destroyForcibly);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            // Notes come first: a signal the process ignores (INT in a background job) has no hook.
            String listening = out.readLine();
            while (listening != null && listening.startsWith("note: ")) {
                assumeFalse(listening.startsWith("note: SIGHUP is ignored"),
                        "this test runs where SIGHUP is ignored (under nohup): " + listening);
                listening = out.readLine();
            }
            assertTrue(listening != null && listening.startsWith("listening on http://127.0.0.1:"), listening);
            String base = listening.substring("listening on ".length());
            int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));

            kill("HUP", demo);
            assertTrue(out.readLine().startsWith("{\"openConnections\":"), "SIGHUP prints the stats line");

            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                inFlight.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/sleep?ms=1000")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            // Wait (with a deadline) until the server holds all 100: ask it, no sleeping.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (long received; (received = requestsReceived(client, base)) < 101; ) {
                // Past the deadline, say so here, not later as a puzzling refused request.
                assertTrue(System.nanoTime() - deadline < 0, "the server holds only " + (received - 1) + " of the 100 after 30 s");
            }
            kill("TERM", demo);
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertEquals("slept 1000 ms on a loop timer\n", r.body());
            }
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the process ends");
            assertEquals(0, demo.exitValue(), "graceful shutdown exits 0");
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                    "the listener is closed");
        } finally {
            demo.destroyForcibly();
        }
    }

    /** The server's request count, from /stats (this request counts too). */
    private static long requestsReceived(HttpClient client, String base) throws Exception {
        String stats = client.send(HttpRequest.newBuilder(URI.create(base + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String field = "\"requests\":";
        int at = stats.indexOf(field) + field.length();
        return Long.parseLong(stats.substring(at, stats.indexOf(',', at)));
    }

    private static void kill(String signal, Process target) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-s", signal, Long.toString(target.pid())).start().waitFor());
    }
}

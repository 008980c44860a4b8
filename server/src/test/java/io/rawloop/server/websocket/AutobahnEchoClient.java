package io.rawloop.server.websocket;

import io.rawloop.client.HttpClient;
import io.rawloop.client.websocket.EchoListener;
import io.rawloop.client.websocket.WebSocket;
import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.net.URI;

/**
 * Our client ({@code HttpClient.websocket}) as the Autobahn|Testsuite's fuzzing server wants a
 * testee client, the way its own testee clients behave: ask {@code /getCaseCount}, open
 * {@code /runCase?case=i&agent=rawloop} for each case in turn and echo every message back as it
 * came (text as text, binary as binary) until the suite closes, then ask {@code /updateReports},
 * which writes the report. Pings are answered by the WebSocket itself.
 *
 * <p>Callback style, not coroutines: under {@code -Pautobahn} this runs in Maven's own JVM
 * (exec:java), which has no {@code --add-exports} for continuations.
 */
final class AutobahnEchoClient {

    /** The suite's largest message is 16 MiB (case 9, performance, which we leave out; the rest are smaller). */
    private static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT.withMaxMessage(16 << 20);

    private final HttpClient client;
    private final String base;
    private final Promise<Integer> done;
    private int cases;

    private AutobahnEchoClient(EventLoop loop, int port) {
        this.client = HttpClient.create(loop);
        this.base = "ws://127.0.0.1:" + port;
        this.done = new Promise<>(loop);
    }

    /** Runs every case the fuzzing server on {@code port} of loopback has, then its report; the number of cases. */
    static int run(int port) {
        try (EventLoop loop = EventLoop.create()) {
            AutobahnEchoClient driver = new AutobahnEchoClient(loop, port);
            loop.execute(driver::start);
            return loop.runUntilComplete(driver.done);
        }
    }

    private void start() {
        client.websocket(URI.create(base + "/getCaseCount"), OPTIONS).flatMap(WebSocket::receive).onComplete((m, e) -> {
            if (e != null || m == null) {
                finish(new IllegalStateException("the fuzzing server did not say how many cases it has", e));
                return;
            }
            cases = Integer.parseInt(m.text().trim());
            runCase(1);
        });
    }

    /** One case at a time, as the suite expects: the next starts once this one's connection is closed. */
    private void runCase(int id) {
        if (id > cases) {
            updateReports();
            return;
        }
        client.websocket(URI.create(base + "/runCase?case=" + id + "&agent=" + AutobahnSuite.AGENT), OPTIONS)
                .onComplete((socket, e) -> {
                    if (e != null) {
                        runCase(id + 1);   // the suite records what it saw of the failed handshake
                        return;
                    }
                    socket.listen(EchoListener.INSTANCE);
                    socket.closed().onComplete((status, f) -> runCase(id + 1));
                });
    }

    private void updateReports() {
        client.websocket(URI.create(base + "/updateReports?agent=" + AutobahnSuite.AGENT), OPTIONS)
                .flatMap(WebSocket::closed).onComplete((status, e) -> {
                    finish(e == null ? null : new IllegalStateException("the fuzzing server wrote no report", e));
                });
    }

    private void finish(Throwable failure) {
        client.close();
        if (failure != null) {
            done.fail(failure);
        } else {
            done.complete(cases);
        }
    }
}

package io.rawloop.server.websocket;

import io.rawloop.http.websocket.FrameWriter;
import io.rawloop.http.websocket.Opcode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client half of {@link IdleWebSocketsTest}, in a JVM of its own: ten thousand sockets at each
 * end do not fit under one process's limit on open files. Opens N WebSockets to the port
 * (handshake checked, then idle), says {@code open N} on stdout, waits for {@code close} on stdin,
 * then closes them all: the even ones by the close handshake (a 1000, the server's close read, then
 * its FIN), the odd ones abruptly (SO_LINGER 0: a reset, no close frame), and says
 * {@code closed N, K by handshake}.
 */
final class IdleWebSocketClients {

    private static final int OPENERS = 16;

    private IdleWebSocketClients() {
    }

    /** {@code args}: the server's port and how many connections. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        WsWire[] wires = new WsWire[count];
        forEach(count, i -> wires[i] = WsWire.open(port, "/idle", new byte[0]));
        System.out.println("open " + count);
        System.out.flush();
        String command = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        if (!"close".equals(command)) {
            throw new IllegalStateException("expected close on stdin, not " + command);
        }
        AtomicInteger byHandshake = new AtomicInteger();
        forEach(count, i -> {
            WsWire wire = wires[i];
            if (i % 2 == 0) {
                wire.send(WsWire.MASKED.frame(Opcode.CLOSE, FrameWriter.closePayload(1000, "")));
                if (wire.frame().closeCode() == 1000 && wire.in.read() == -1) {
                    byHandshake.incrementAndGet();
                }
            } else {
                wire.socket.setSoLinger(true, 0);
            }
            wire.close();
        });
        System.out.println("closed " + count + ", " + byHandshake.get() + " by handshake");
    }

    private interface Step {
        void run(int i) throws Exception;
    }

    /** {@code step} for 0..count-1, on a few virtual threads, so that one slow handshake does not hold the rest. */
    private static void forEach(int count, Step step) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int w = 0; w < OPENERS; w++) {
                int first = w;
                all.add(pool.submit(() -> {
                    for (int i = first; i < count; i += OPENERS) {
                        step.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
    }
}

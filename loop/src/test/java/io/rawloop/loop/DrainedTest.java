package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code drained()} and {@code send()} give every caller a promise of its own: a send that timed
 * out (which cancels its promise) must not hand a cancelled promise to every later send, as the
 * one shared promise did.
 */
class DrainedTest {

    @Test
    @Timeout(60)
    void aSendThatTimedOutLeavesLaterSendsTheirOwnPromises() throws Exception {
        ManualClock clock = new ManualClock();
        int big = 8 * 1024 * 1024;   // more than the kernel's buffers hold while the peer does not read
        CompletableFuture<TcpConnection> serverSide = new CompletableFuture<>();
        try (RunningLoop running = new RunningLoop(EventLoop.builder().name("drained").clock(clock).build())) {
            TcpListener listener = running.listenQuietly(serverSide);
            try (Socket peer = new Socket(listener.localAddress().getAddress(), listener.port())) {
                peer.setSoTimeout(30_000);
                TcpConnection c = serverSide.get(30, TimeUnit.SECONDS);
                Promise<Void> timed = running.call(() -> send(c, ByteBuffer.wrap(new byte[big])).withTimeout(Duration.ofSeconds(1)));
                clock.advance(Duration.ofSeconds(2));
                running.call(() -> null);   // a turn of the loop: the timeout fires and cancels the send's promise
                assertTrue(running.call(() -> timed.failureNow() instanceof TimeoutException), "the first send timed out");

                Promise<Void> later = running.call(() -> send(c, ByteBuffer.wrap(new byte[] {'!'})));
                assertEquals(Promise.State.PENDING, running.call(later::state), "the later send waits for its own bytes");

                InputStream in = peer.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                for (long read = 0; read < big + 1; ) {
                    int n = in.read(buffer);
                    assertTrue(n > 0, "the connection stayed open");
                    read += n;
                }
                assertNull(running.await(() -> later), "the later send completed once its bytes were out");
            }
        }
    }

    /** A write, then its own promise of the queue draining: what a producer awaits. */
    private static Promise<Void> send(TcpConnection c, ByteBuffer data) {
        c.write(data);
        return c.drained();
    }
}

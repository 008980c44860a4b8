package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A peer that stops reading must not make the server buffer without bound. */
class BackpressureTest {

    @Test
    @Timeout(60)
    void aPeerThatStopsReadingPausesTheEchoAtTheHighWatermarkAndResumesBelowTheLow() throws Exception {
        int total = 16 * 1024 * 1024;
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resumed = new CountDownLatch(1);
        long[] maxPending = new long[1];
        CompletableFuture<TcpConnection> serverSide = new CompletableFuture<>();
        ConnectionHandler echo = new EchoHandler(1) {
            @Override
            public void onData(TcpConnection c, ByteBuffer data) {
                super.onData(c, data);
                maxPending[0] = Math.max(maxPending[0], c.pendingBytes());
            }

            @Override
            public void onWritabilityChanged(TcpConnection c, boolean writable) {
                (writable ? resumed : paused).countDown();
            }
        };
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = running.call(() -> TcpListener.bind(running.loop, TcpEchoTest.ANY_LOOPBACK_PORT,
                    TcpListener.Options.DEFAULT, c -> {
                        c.setHandler(echo);
                        serverSide.complete(c);
                    }));
            try (Socket socket = new Socket(listener.localAddress().getAddress(), listener.port())) {
                byte[] data = new byte[total];
                new Random(7).nextBytes(data);
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        OutputStream out = socket.getOutputStream();
                        for (int off = 0; off < total; off += 8192) {
                            out.write(data, off, 8192);
                        }
                        socket.shutdownOutput();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                // The client reads nothing yet: the echo backs up until the server must stop reading.
                assertTrue(paused.await(30, TimeUnit.SECONDS), "writability went false at the high watermark");
                TcpConnection c = serverSide.get(5, TimeUnit.SECONDS);
                assertFalse(running.call(c::isReading), "reading is paused while the queue is over the high watermark");
                int ops = running.call(() -> c.key.interestOps());
                assertEquals(SelectionKey.OP_WRITE, ops, "waiting to write, not reading");
                assertFalse(writer.isDone(), "so the writer is stuck in the kernel, not in our heap");
                assertEquals(1, resumed.getCount(), "no resume while nobody reads");
                long queued = running.call(() -> running.loop.stats().queuedBytes());
                assertEquals(running.call(c::pendingBytes), queued, "the loop's figure is the connection's queue");
                assertTrue(queued >= TcpConnection.DEFAULT_HIGH_WATERMARK, "queued " + queued);

                CRC32 expected = new CRC32();
                expected.update(data);
                CRC32 received = new CRC32();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[65536];
                long count = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    received.update(buffer, 0, n);
                    count += n;
                }
                writer.get(30, TimeUnit.SECONDS);
                assertEquals(total, count);
                assertEquals(expected.getValue(), received.getValue(), "every byte came back, in order");
                assertTrue(resumed.await(5, TimeUnit.SECONDS), "reading resumed below the low watermark");
            }
            assertEquals(0, running.call(() -> running.loop.stats().queuedBytes()), "everything queued went out");
            long bound = TcpConnection.DEFAULT_HIGH_WATERMARK + 64 * 1024;   // + at most one read's worth
            assertTrue(maxPending[0] <= bound, "memory held stays bounded: max pending " + maxPending[0]);
            assertTrue(maxPending[0] >= TcpConnection.DEFAULT_HIGH_WATERMARK, "the watermark was really reached");
        }
    }

    @Test
    @Timeout(60)
    void setWatermarksMovesWhereWritingCountsAsBlockedAndIsWritableSaysSo() throws Exception {
        CompletableFuture<TcpConnection> serverSide = new CompletableFuture<>();
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = running.listenQuietly(serverSide);
            try (Socket peer = new Socket(listener.localAddress().getAddress(), listener.port())) {
                peer.setSoTimeout(30_000);
                TcpConnection c = serverSide.get(30, TimeUnit.SECONDS);
                assertThrowsIllegal(running, () -> c.setWatermarks(10, 10));
                int total = 8 * 1024 * 1024;   // far more than the kernel holds while the peer does not read
                boolean writable = running.call(() -> {
                    c.setWatermarks(1024, 4096);
                    c.write(ByteBuffer.wrap(new byte[total]));
                    return c.isWritable();
                });
                assertFalse(writable, "above the high watermark (4 KiB) once the kernel refuses the rest");
                InputStream in = peer.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                for (long read = 0; read < total; ) {
                    int n = in.read(buffer);
                    assertTrue(n > 0, "the connection stayed open");
                    read += n;
                }
                running.await(c::drained);
                assertTrue(running.call(c::isWritable), "writable again below the low watermark");
            }
        }
    }

    private static void assertThrowsIllegal(RunningLoop running, Runnable call) throws Exception {
        String refused = running.call(() -> {
            try {
                call.run();
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        });
        assertEquals("need 0 <= low < high, got low=10 high=10", refused);
    }
}

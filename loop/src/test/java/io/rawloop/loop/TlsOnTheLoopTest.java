package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The layer wired as a transport will wire it: on a running loop, delegated tasks on the loop's
 * offload pool and back through {@code loop.execute}, each write arriving at the other end in a
 * later turn as a read would. Still no socket: the two layers talk through the loop's queue.
 */
@Timeout(60)
class TlsOnTheLoopTest {

    @Test
    void tasksRunOnTheOffloadPoolAndEveryEventOnTheLoopThread() throws Exception {
        byte[] upload = TlsLayerTest.randomBytes(256 * 1024, 21);
        ConcurrentLinkedQueue<String> wrongThreads = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> taskThreads = new ConcurrentLinkedQueue<>();
        CompletableFuture<byte[]> echoed = new CompletableFuture<>();
        CompletableFuture<List<Throwable>> closed = new CompletableFuture<>();
        try (RunningLoop running = new RunningLoop()) {
            EventLoop loop = running.loop;
            Executor offload = task -> loop.offload(() -> {
                taskThreads.add(Thread.currentThread().getName());
                task.run();
                return null;
            });
            Consumer<String> checkThread = event -> {
                if (!loop.inLoop()) {
                    wrongThreads.add(event + " on " + Thread.currentThread().getName());
                }
            };
            SSLEngine clientEngine = TestCertificates.clientEngine();
            SSLEngine serverEngine = TestCertificates.serverEngine();
            running.call(() -> {
                Wire toServer = new Wire(loop);
                Wire toClient = new Wire(loop);
                Throwable[] causes = new Throwable[2];
                toServer.layer = TlsLayer.start(serverEngine, offload, loop, toClient, new TlsHandler() {
                    @Override
                    public void onData(TlsLayer layer, ByteBuffer data) {
                        checkThread.accept("server onData");
                        layer.write(ByteBuffer.allocate(data.remaining()).put(data).flip());   // echo
                    }

                    @Override
                    public void onClose(TlsLayer layer, Throwable cause) {
                        causes[1] = cause;
                    }
                });
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                toClient.layer = TlsLayer.start(clientEngine, offload, loop, toServer, new TlsHandler() {
                    @Override
                    public void onHandshake(TlsLayer layer, TlsHandshake handshake) {
                        checkThread.accept("client onHandshake");
                    }

                    @Override
                    public void onData(TlsLayer layer, ByteBuffer data) {
                        checkThread.accept("client onData");
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        back.writeBytes(bytes);
                        if (back.size() == upload.length) {
                            echoed.complete(back.toByteArray());
                            layer.close();
                        }
                    }

                    @Override
                    public void onClose(TlsLayer layer, Throwable cause) {
                        causes[0] = cause;
                        loop.execute(() -> closed.complete(Arrays.asList(causes)));   // after the server's
                    }
                });
                Random random = new Random(22);
                for (int at = 0; at < upload.length; ) {
                    int n = Math.min(upload.length - at, 1 + random.nextInt(30_000));
                    toClient.layer.write(ByteBuffer.wrap(Arrays.copyOfRange(upload, at, at + n)));
                    at += n;
                }
                return null;
            });
            assertArrayEquals(upload, echoed.get(30, TimeUnit.SECONDS));
            assertEquals(Arrays.asList(null, null), closed.get(30, TimeUnit.SECONDS), "both ends closed cleanly");
        }
        assertTrue(wrongThreads.isEmpty(), "events off the loop thread: " + wrongThreads);
        assertTrue(taskThreads.size() >= 2, "tasks ran: " + taskThreads);
        assertTrue(taskThreads.stream().allMatch(name -> name.contains("offload")), "on the offload pool: " + taskThreads);
    }

    /** One direction: records written by one layer reach the other's receive in a later turn. */
    private static final class Wire implements TlsTransport {
        private final EventLoop loop;
        TlsLayer layer;   // the receiving end

        Wire(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public void write(ByteBuffer records) {
            loop.execute(() -> layer.receive(records));
        }

        @Override
        public void close() {
            loop.execute(() -> layer.receiveEndOfStream());
        }
    }
}

package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Zero-copy file writes between ordinary ones, in order, and the file closed afterwards. */
class WriteFileTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void aFileRegionGoesOutInOrderBetweenBuffersAndIsClosedOnceSent() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(5).nextBytes(content);
        Path file = Files.write(dir.resolve("data.bin"), content);
        CompletableFuture<FileChannel> sent = new CompletableFuture<>();
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = running.call(() -> TcpListener.bind(running.loop, TcpEchoTest.ANY_LOOPBACK_PORT,
                    TcpListener.Options.DEFAULT, c -> {
                        c.setHandler((conn, data) -> { });
                        try {
                            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                            c.write(ByteBuffer.wrap("head|".getBytes(StandardCharsets.US_ASCII)));
                            c.writeFile(channel, 0, content.length);
                            c.write(ByteBuffer.wrap("|tail".getBytes(StandardCharsets.US_ASCII)));
                            c.drained().onComplete((v, f) -> c.close());
                            sent.complete(channel);
                        } catch (java.io.IOException e) {
                            sent.completeExceptionally(e);
                        }
                    }));
            try (Socket socket = new Socket(listener.localAddress().getAddress(), listener.port())) {
                byte[] all = socket.getInputStream().readAllBytes();
                byte[] expected = new byte[5 + content.length + 5];
                System.arraycopy("head|".getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 5);
                System.arraycopy(content, 0, expected, 5, content.length);
                System.arraycopy("|tail".getBytes(StandardCharsets.US_ASCII), 0, expected, 5 + content.length, 5);
                assertArrayEquals(expected, all);
            }
            FileChannel channel = sent.get(5, TimeUnit.SECONDS);
            assertFalse(running.call(channel::isOpen), "the connection closed the file once it was sent");
            assertTrue(Files.exists(file));
        }
    }

    @Test
    @Timeout(60)
    void aFileThatShrinksWhileItIsSentClosesTheConnectionInsteadOfSpinning() throws Exception {
        byte[] content = new byte[256 * 1024];
        new Random(9).nextBytes(content);
        Path file = Files.write(dir.resolve("shrinking.bin"), content);
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = running.call(() -> TcpListener.bind(running.loop, TcpEchoTest.ANY_LOOPBACK_PORT,
                    TcpListener.Options.DEFAULT, c -> {
                        c.setHandler(new ConnectionHandler() {
                            @Override
                            public void onData(TcpConnection conn, ByteBuffer data) {
                            }

                            @Override
                            public void onClose(TcpConnection conn, Throwable cause) {
                                closed.complete(cause);
                            }
                        });
                        try {
                            // The length is promised (as a Content-Length would be), then the file
                            // is cut to 1000 bytes before a byte of it went out.
                            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                            long promised = channel.size();
                            channel.truncate(1000);
                            c.writeFile(channel, 0, promised);
                        } catch (java.io.IOException e) {
                            closed.completeExceptionally(e);
                        }
                    }));
            try (Socket socket = new Socket(listener.localAddress().getAddress(), listener.port())) {
                socket.setSoTimeout(30_000);
                byte[] all = socket.getInputStream().readAllBytes();   // ends: the connection closed
                assertArrayEquals(java.util.Arrays.copyOf(content, 1000), all, "what the file still had, then the end");
            }
            Throwable cause = closed.get(30, TimeUnit.SECONDS);
            assertTrue(cause != null && cause.getMessage().contains("the file shrank while it was sent"), String.valueOf(cause));
            assertTrue(running.call(() -> running.loop.stats().registeredChannels()) == 1, "only the listener is left");
        }
    }
}

package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on real sockets through {@link TcpConnection#startTls}: handlers that read and write
 * plaintext as on plain TCP, the records between them on loopback.
 */
@Timeout(60)
class TlsWireTest {

    private static final String ANSWER = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    /** A TLS echo server on a running loop; each closed connection's cause lands in {@code causes}. */
    private static TcpListener echoServer(RunningLoop running, ConcurrentLinkedQueue<String> causes,
                                          ConcurrentLinkedQueue<TlsHandshake> handshakes) throws Exception {
        TlsOptions options = TlsOptions.DEFAULT.withPlainHttpAnswer(ByteBuffer.wrap(ANSWER.getBytes(StandardCharsets.US_ASCII)))
                .withListeners(handshakes::add, failure -> causes.add("failure: " + failure.getMessage()));
        return running.call(() -> TcpListener.bind(running.loop, TcpEchoTest.ANY_LOOPBACK_PORT, TcpListener.Options.DEFAULT, c -> {
            try {
                c.startTls(TestCertificates.serverEngine(), options);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            c.setHandler(new EchoHandler(1) {
                @Override
                public void onClose(TcpConnection connection, Throwable cause) {
                    causes.add(cause == null ? "clean" : cause.getMessage());
                }
            });
        }));
    }

    @Test
    void aMegabyteEchoedThroughTlsOnBothSidesArrivesWholeAndBothCloseCleanly() throws Exception {
        byte[] upload = TlsLayerTest.randomBytes(1024 * 1024, 7);
        ConcurrentLinkedQueue<String> serverCauses = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<TlsHandshake> handshakes = new ConcurrentLinkedQueue<>();
        CompletableFuture<byte[]> echoed = new CompletableFuture<>();
        CompletableFuture<String> clientClosed = new CompletableFuture<>();
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = echoServer(running, serverCauses, handshakes);
            TcpConnection client = running.await(() -> TcpConnection.connect(running.loop, listener.localAddress(), Duration.ofSeconds(10)));
            running.call(() -> {
                client.startTls(TestCertificates.clientEngine(), TlsOptions.DEFAULT);
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                client.setHandler(new ConnectionHandler() {
                    @Override
                    public void onData(TcpConnection c, ByteBuffer data) {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        received.writeBytes(bytes);
                        if (received.size() == upload.length) {
                            echoed.complete(received.toByteArray());
                            c.close();
                        }
                    }

                    @Override
                    public void onClose(TcpConnection c, Throwable cause) {
                        clientClosed.complete(cause == null ? "clean" : cause.toString());
                    }
                });
                for (int at = 0; at < upload.length; at += 100_000) {
                    client.write(ByteBuffer.wrap(upload, at, Math.min(100_000, upload.length - at)));
                }
                return null;
            });
            assertArrayEquals(upload, echoed.get(30, TimeUnit.SECONDS));
            assertEquals("clean", clientClosed.get(30, TimeUnit.SECONDS));
            waitFor(() -> !serverCauses.isEmpty());
            assertEquals("clean", serverCauses.peek(), "the client's close_notify reached the server");
            assertEquals(1, handshakes.size());
            assertEquals("http/1.1", handshakes.peek().applicationProtocol());
        }
    }

    @Test
    void aFileWrittenThroughTlsArrivesWholeBeforeTheCloseNotifyThatFollowsIt(@TempDir Path dir) throws Exception {
        byte[] content = TlsLayerTest.randomBytes(3 * 1024 * 1024 + 5, 9);
        Path file = Files.write(dir.resolve("file.bin"), content);
        CompletableFuture<byte[]> whole = new CompletableFuture<>();
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = running.call(() -> TcpListener.bind(running.loop, TcpEchoTest.ANY_LOOPBACK_PORT,
                    TcpListener.Options.DEFAULT, c -> {
                        try {
                            c.startTls(TestCertificates.serverEngine(), TlsOptions.DEFAULT);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                        c.setHandler((conn, data) -> {
                            data.position(data.limit());
                            try {
                                conn.write(ByteBuffer.wrap("head:".getBytes(StandardCharsets.US_ASCII)));
                                conn.writeFile(FileChannel.open(file), 0, content.length);
                                conn.write(ByteBuffer.wrap(":tail".getBytes(StandardCharsets.US_ASCII)));
                                conn.close();   // from inside onData, the layer mid-pump: everything still goes first
                            } catch (java.io.IOException e) {
                                throw new AssertionError(e);
                            }
                        });
                    }));
            TcpConnection client = running.await(() -> TcpConnection.connect(running.loop, listener.localAddress(), Duration.ofSeconds(10)));
            running.call(() -> {
                client.startTls(TestCertificates.clientEngine(), TlsOptions.DEFAULT);
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                client.setHandler(new ConnectionHandler() {
                    @Override
                    public void onData(TcpConnection c, ByteBuffer data) {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        received.writeBytes(bytes);
                    }

                    @Override
                    public void onEndOfStream(TcpConnection c) {
                        whole.complete(received.toByteArray());   // the server's close_notify
                        c.close();
                    }

                    @Override
                    public void onClose(TcpConnection c, Throwable cause) {
                        whole.completeExceptionally(new AssertionError("closed without close_notify", cause));
                    }
                });
                client.write(ByteBuffer.wrap("go".getBytes(StandardCharsets.US_ASCII)));
                return null;
            });
            byte[] got = whole.get(30, TimeUnit.SECONDS);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes("head:".getBytes(StandardCharsets.US_ASCII));
            expected.writeBytes(content);
            expected.writeBytes(":tail".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(expected.toByteArray(), got);
        }
    }

    @Test
    void aPlainHttpRequestGetsTheConfiguredAnswerInPlainTextAndGarbageGetsNothing() throws Exception {
        ConcurrentLinkedQueue<String> causes = new ConcurrentLinkedQueue<>();
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = echoServer(running, causes, new ConcurrentLinkedQueue<>());
            assertEquals(ANSWER, exchange(listener.localAddress(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertEquals("", exchange(listener.localAddress(), "\u0001\u0002garbage, not TLS\r\n\r\n"));
            waitFor(() -> causes.size() == 4);
            assertTrue(causes.stream().anyMatch(c -> c.contains("a plain HTTP request sent to a TLS port")), causes.toString());
            assertTrue(causes.stream().anyMatch(c -> c.contains("which start no TLS record")), causes.toString());
        }
    }

    @Test
    void aServerThatSaysNothingTimesTheHandshakeOut() throws Exception {
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        try (RunningLoop running = new RunningLoop(); ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TcpConnection client = running.await(() -> TcpConnection.connect(running.loop,
                    (InetSocketAddress) silent.getLocalSocketAddress(), Duration.ofSeconds(10)));
            running.call(() -> {
                client.startTls(TestCertificates.clientEngine(), TlsOptions.DEFAULT.withHandshakeTimeout(Duration.ofMillis(200)));
                client.setHandler(new ConnectionHandler() {
                    @Override
                    public void onData(TcpConnection c, ByteBuffer data) {
                    }

                    @Override
                    public void onClose(TcpConnection c, Throwable cause) {
                        closed.complete(cause);
                    }
                });
                return null;
            });
            Throwable cause = closed.get(30, TimeUnit.SECONDS);
            assertInstanceOf(TlsHandshakeTimeoutException.class, cause);
            assertEquals("the TLS handshake did not finish within 200 ms", cause.getMessage());
        }
    }

    @Test
    void aClientThatStopsHalfwayThroughItsClientHelloIsClosedAtTheHandshakeTimeout() throws Exception {
        ConcurrentLinkedQueue<String> causes = new ConcurrentLinkedQueue<>();
        try (RunningLoop running = new RunningLoop()) {
            TlsOptions options = TlsOptions.DEFAULT.withHandshakeTimeout(Duration.ofMillis(200))
                    .withListeners(h -> causes.add("handshake"), failure -> causes.add("failure: " + failure.getMessage()));
            TcpListener listener = running.call(() -> TcpListener.bind(running.loop, TcpEchoTest.ANY_LOOPBACK_PORT,
                    TcpListener.Options.DEFAULT, c -> {
                        try {
                            c.startTls(TestCertificates.serverEngine(), options);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                        c.setHandler(new EchoHandler(1));
                    }));
            // A handshake record's header announcing 200 bytes, and 5 of them: the server waits for the rest.
            byte[] half = {22, 3, 1, 0, (byte) 200, 1, 0, 0, (byte) 196, 3};
            try (Socket socket = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(half);
                byte[] answer = socket.getInputStream().readAllBytes();   // ends when the server closes
                assertTrue(answer.length == 0 || answer[0] == 21, "an alert record at most, never data");
            }
            waitFor(() -> !causes.isEmpty());
            assertEquals("failure: the TLS handshake did not finish within 200 ms", causes.peek());
        }
    }

    @Test
    void aFinWithoutCloseNotifyIsATruncationAndNoEndOfStream() throws Exception {
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        StringBuilder received = new StringBuilder();
        boolean[] endOfStream = new boolean[1];
        try (RunningLoop running = new RunningLoop(); ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().start(() -> {
                try (Socket socket = plain.accept()) {
                    SSLSocket tls = (SSLSocket) TestCertificates.serverContext().getSocketFactory()
                            .createSocket(socket, null, socket.getPort(), false);
                    tls.setUseClientMode(false);
                    tls.getOutputStream().write("half of it".getBytes(StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                    socket.shutdownOutput();   // FIN under TLS: no close_notify
                    socket.getInputStream().readAllBytes();
                } catch (Exception e) {
                    // the client's close ends it
                }
            });
            TcpConnection client = running.await(() -> TcpConnection.connect(running.loop,
                    (InetSocketAddress) plain.getLocalSocketAddress(), Duration.ofSeconds(10)));
            running.call(() -> {
                client.startTls(TestCertificates.clientEngine(), TlsOptions.DEFAULT);
                client.setHandler(new ConnectionHandler() {
                    @Override
                    public void onData(TcpConnection c, ByteBuffer data) {
                        received.append(StandardCharsets.US_ASCII.decode(data));
                    }

                    @Override
                    public void onEndOfStream(TcpConnection c) {
                        endOfStream[0] = true;
                    }

                    @Override
                    public void onClose(TcpConnection c, Throwable cause) {
                        closed.complete(cause);
                    }
                });
                return null;
            });
            assertInstanceOf(TlsTruncationException.class, closed.get(30, TimeUnit.SECONDS));
            assertEquals("half of it", running.call(received::toString));
            assertTrue(!running.call(() -> endOfStream[0]), "a truncation is not an end of stream");
            server.join(30_000);
        }
    }

    /** Writes {@code request} on a plain socket; returns all it gets back until the server closes. */
    private static String exchange(InetSocketAddress address, String request) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void theOptionsRefuseAZeroTimeout() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TlsOptions.DEFAULT.withHandshakeTimeout(Duration.ZERO));
        assertEquals("handshakeTimeout must be positive, not PT0S", e.getMessage());
        assertNull(TlsOptions.DEFAULT.plainHttpAnswer());
    }
}

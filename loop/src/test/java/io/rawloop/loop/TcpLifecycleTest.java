package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How connections end: half-closes both ways, resets, refusals, timeouts, the loop closing. */
@Timeout(30)
class TcpLifecycleTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Collects what a server-side connection saw. */
    static final class Recorder implements ConnectionHandler {
        final StringBuilder received = new StringBuilder();
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();
        final CompletableFuture<Void> firstData = new CompletableFuture<>();
        int endOfStreams;
        String replyAtEndOfStream;

        @Override
        public void onData(TcpConnection c, ByteBuffer data) {
            received.append(StandardCharsets.UTF_8.decode(data));
            firstData.complete(null);
        }

        @Override
        public void onEndOfStream(TcpConnection c) {
            endOfStreams++;
            if (replyAtEndOfStream != null) {
                c.write(ByteBuffer.wrap(replyAtEndOfStream.getBytes(StandardCharsets.UTF_8)));
                c.shutdownOutput();
            } else {
                c.close();
            }
        }

        @Override
        public void onClose(TcpConnection c, Throwable cause) {
            closed.complete(cause == null ? new NoCause() : cause);
        }
    }

    /** Stands for "closed cleanly" in a future that cannot hold null meaningfully. */
    static final class NoCause extends Throwable {
        private static final long serialVersionUID = 1L;
    }

    private static TcpListener listen(RunningLoop running, java.util.function.Consumer<TcpConnection> onAccept)
            throws Exception {
        return running.call(() -> TcpListener.bind(running.loop, new InetSocketAddress(LOOPBACK, 0),
                TcpListener.Options.DEFAULT, onAccept));
    }

    @Test
    void aPeerThatHalfClosesStillGetsItsAnswerAndTheEndOfStreamIsReportedOnce() throws Exception {
        Recorder recorder = new Recorder();
        recorder.replyAtEndOfStream = "got it";
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = listen(running, c -> c.setHandler(recorder));
            try (Socket socket = new Socket(LOOPBACK, listener.port())) {
                socket.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                socket.shutdownOutput();
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals("got it", answer, "the answer, then our FIN");
            }
            assertInstanceOf(NoCause.class, recorder.closed.get(10, TimeUnit.SECONDS),
                    "both directions shut: the connection closed itself, cleanly");
            assertEquals("hello", running.call(recorder.received::toString));
            assertEquals(1, (int) running.call(() -> recorder.endOfStreams));
        }
    }

    @Test
    void afterOurShutdownOutputThePeerCanStillSend() throws Exception {
        Recorder recorder = new Recorder();
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = listen(running, c -> {
                c.setHandler(recorder);
                c.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.UTF_8)));
                c.shutdownOutput();
            });
            try (Socket socket = new Socket(LOOPBACK, listener.port())) {
                assertEquals("bye", new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                socket.getOutputStream().write("still here".getBytes(StandardCharsets.UTF_8));
                socket.shutdownOutput();
                assertInstanceOf(NoCause.class, recorder.closed.get(10, TimeUnit.SECONDS));
            }
            assertEquals("still here", running.call(recorder.received::toString));
        }
    }

    @Test
    void aWriteAfterShutdownOutputIsAProgrammingErrorWithAClearMessage() throws Exception {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = listen(running, c -> {
                c.setHandler((conn, data) -> { });
                c.shutdownOutput();
                try {
                    c.write(ByteBuffer.wrap(new byte[] {1}));
                    thrown.complete(null);
                } catch (IllegalStateException e) {
                    thrown.complete(e);
                }
            });
            try (Socket ignored = new Socket(LOOPBACK, listener.port())) {
                Throwable e = thrown.get(10, TimeUnit.SECONDS);
                assertInstanceOf(IllegalStateException.class, e);
                assertTrue(e.getMessage().startsWith("write after shutdownOutput()"), e.getMessage());
            }
        }
    }

    @Test
    void aPeerResetReachesTheHandlerAsACauseNamingThePeer() throws Exception {
        Recorder recorder = new Recorder();
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = listen(running, c -> c.setHandler(recorder));
            Socket socket = new Socket(LOOPBACK, listener.port());
            socket.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
            socket.setSoLinger(true, 0);   // close with RST instead of FIN
            String peer = socket.getLocalSocketAddress().toString();
            socket.close();
            Throwable cause = recorder.closed.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, cause);
            assertTrue(cause.getMessage().toLowerCase().contains("reset"), cause.getMessage());
            assertTrue(cause.getMessage().contains(peer.substring(peer.lastIndexOf(':'))), cause.getMessage());
        }
    }

    @Test
    void connectingToAClosedPortFailsWithRefusedAndTheAddress() throws Exception {
        int port;
        try (ServerSocket reserved = new ServerSocket(0, 1, LOOPBACK)) {
            port = reserved.getLocalPort();
        }
        InetSocketAddress target = new InetSocketAddress(LOOPBACK, port);
        try (RunningLoop running = new RunningLoop()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> running.await(() -> TcpConnection.connect(running.loop, target, Duration.ofSeconds(5))));
            assertInstanceOf(ConnectException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("connect to " + target), e.getCause().getMessage());
            assertTrue(e.getCause().getMessage().toLowerCase().contains("refused"), e.getCause().getMessage());
            assertEquals(0, running.call(running.loop::stats).registeredChannels(), "the failed channel is gone");
        }
    }

    @Test
    void connectingToAListenerWhoseBacklogIsFullTimesOutOnTheLoopClock() throws Exception {
        ManualClock clock = new ManualClock();
        EventLoop loop = EventLoop.builder().clock(clock).build();
        List<SocketChannel> fillers = new ArrayList<>();
        // Backlog 1, never accepting: Linux queues backlog+1 connections, then drops further SYNs,
        // so a connect neither succeeds nor is refused. It can only time out.
        try (ServerSocketChannel full = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0), 1)) {
            InetSocketAddress target = (InetSocketAddress) full.getLocalAddress();
            for (int i = 0; i < 2; i++) {
                SocketChannel filler = SocketChannel.open();
                fillers.add(filler);
                filler.connect(target);
            }
            Promise<TcpConnection> attempt = TcpConnection.connect(loop, target, Duration.ofSeconds(3));
            loop.runUntilIdle();
            assertFalse(attempt.isDone());
            clock.advance(Duration.ofMillis(2999));
            loop.runUntilIdle();
            assertFalse(attempt.isDone(), "not a millisecond early");
            clock.advance(Duration.ofMillis(1));
            loop.runUntilIdle();
            assertInstanceOf(SocketTimeoutException.class, attempt.failureNow());
            assertEquals("connect to " + target + " timed out after 3000 ms", attempt.failureNow().getMessage());
            assertEquals(0, loop.stats().registeredChannels());
        } finally {
            for (SocketChannel f : fillers) {
                f.close();
            }
            loop.close();
        }
    }

    @Test
    void aConnectionOpenedByTheLoopTalksToAPlainServer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, LOOPBACK); RunningLoop running = new RunningLoop()) {
            Recorder recorder = new Recorder();
            InetSocketAddress target = new InetSocketAddress(LOOPBACK, server.getLocalPort());
            TcpConnection c = running.await(() -> TcpConnection.connect(running.loop, target, Duration.ofSeconds(5))
                    .map(conn -> {
                        conn.setHandler(recorder);
                        conn.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
                        conn.shutdownOutput();
                        return conn;
                    }));
            try (Socket accepted = server.accept()) {
                assertEquals("ping", new String(accepted.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                accepted.getOutputStream().write("pong".getBytes(StandardCharsets.UTF_8));
            }
            assertInstanceOf(NoCause.class, recorder.closed.get(10, TimeUnit.SECONDS));
            assertEquals("pong", running.call(recorder.received::toString));
            assertFalse(running.call(c::isOpen));
        }
    }

    @Test
    void closingTheLoopClosesEveryChannelAndTellsTheirHandlers() throws Exception {
        Recorder recorder = new Recorder();
        RunningLoop running = new RunningLoop();
        TcpListener listener = listen(running, c -> c.setHandler(recorder));
        try (Socket socket = new Socket(LOOPBACK, listener.port())) {
            socket.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
            recorder.firstData.get(10, TimeUnit.SECONDS);
            running.close();
            assertInstanceOf(ClosedChannelException.class, recorder.closed.get(10, TimeUnit.SECONDS));
            assertEquals(-1, socket.getInputStream().read(), "the peer sees the connection end");
            assertTrue(running.loop.isClosed());
        }
    }
}

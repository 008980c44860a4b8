package io.rawloop.loop;

import static io.rawloop.loop.Coroutine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's TCP, awaited from coroutines: straight-line network code. */
class CoroutineTcpTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    @Timeout(120)
    void aCoroutineEchoServerPassesTheThousandConnectionTest() throws Exception {
        int clients = 1000;
        CountDownLatch handlersDone = new CountDownLatch(clients);
        try (RunningLoop running = new RunningLoop()) {
            EventLoop loop = running.loop;
            TcpListener listener = running.call(() ->
                    TcpListener.bind(loop, TcpEchoTest.ANY_LOOPBACK_PORT, TcpListener.Options.DEFAULT));
            // region coroutineEcho
            loop.spawn(() -> {
                while (true) {
                    TcpStream stream = TcpStream.of(await(listener.accept()));
                    loop.spawn(() -> {
                        try {
                            for (ByteBuffer data; (data = await(stream.read())) != null; ) {
                                await(stream.send(data));
                            }
                        } finally {
                            stream.connection().close();
                            handlersDone.countDown();
                        }
                        return null;
                    });
                }
            });
            // endregion coroutineEcho
            TcpEchoTest.echoFromEveryClient(listener.localAddress(), clients, 64 * 1024);
            assertTrue(handlersDone.await(30, TimeUnit.SECONDS), "every handler coroutine finished");
            assertEquals(1, (int) running.call(loop.selector::keyCount), "only the listener is left");
            running.call(() -> {
                listener.close();
                return null;
            });
            assertEquals(0, (int) running.call(loop.selector::keyCount), "the loop holds no key");
        }
    }

    @Test
    @Timeout(30)
    void aCoroutineClientConnectsSendsReadsToEndOfStream() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, LOOPBACK); RunningLoop running = new RunningLoop()) {
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, server.getLocalPort());
            Promise<String> task = running.call(() -> running.loop.spawn(() -> {
                TcpConnection c = await(TcpConnection.connect(running.loop, address, Duration.ofSeconds(5)));
                TcpStream stream = TcpStream.of(c);
                await(stream.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8))));
                c.shutdownOutput();
                StringBuilder got = new StringBuilder();
                for (ByteBuffer data; (data = await(stream.read())) != null; ) {
                    got.append(StandardCharsets.UTF_8.decode(data));
                }
                c.close();
                return got.toString();
            }));
            try (Socket accepted = server.accept()) {
                assertEquals("ping", new String(accepted.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                accepted.getOutputStream().write("po".getBytes(StandardCharsets.UTF_8));
                accepted.getOutputStream().flush();
                accepted.getOutputStream().write("ng".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("pong", task.toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(30)
    void aRefusedConnectIsThrownAtTheAwait() throws Exception {
        int port;
        try (ServerSocket reserved = new ServerSocket(0, 1, LOOPBACK)) {
            port = reserved.getLocalPort();
        }
        InetSocketAddress address = new InetSocketAddress(LOOPBACK, port);
        try (RunningLoop running = new RunningLoop()) {
            Promise<String> task = running.call(() -> running.loop.spawn(() -> {
                try {
                    await(TcpConnection.connect(running.loop, address, Duration.ofSeconds(5)));
                    return "connected?";
                } catch (java.net.ConnectException e) {
                    return e.getMessage();
                }
            }));
            String message = task.toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(message.startsWith("connect to " + address + " failed"), message);
        }
    }

    @Test
    @Timeout(30)
    void readMisuseIsRefusedWithAMessage() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            EventLoop loop = running.loop;
            TcpListener listener = running.call(() -> TcpListener.bind(loop, TcpEchoTest.ANY_LOOPBACK_PORT,
                    TcpListener.Options.DEFAULT));
            try (Socket client = new Socket(LOOPBACK, listener.port())) {
                Promise<String> task = running.call(() -> loop.spawn(() -> {
                    TcpConnection c = await(listener.accept());
                    TcpStream stream = TcpStream.of(c);
                    Promise<ByteBuffer> first = stream.read();
                    IllegalStateException twice = assertThrows(IllegalStateException.class, stream::read);
                    assertTrue(twice.getMessage().startsWith("a read() is already pending"), twice.getMessage());
                    IllegalStateException mixed = assertThrows(IllegalStateException.class,
                            () -> { c.setHandler((conn, data) -> { }); TcpStream.of(c); });
                    return mixed.getMessage() + " | " + (first.isDone() ? "done" : "pending");
                }));
                String result = task.toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertTrue(result.contains("which already has a ConnectionHandler: use one or the other"), result);
            }
            IllegalStateException callbackListener = assertThrows(IllegalStateException.class, () -> {
                try {
                    running.call(() -> TcpListener.bind(loop, TcpEchoTest.ANY_LOOPBACK_PORT, TcpListener.Options.DEFAULT,
                            c -> { }).accept());
                } catch (ExecutionException e) {
                    throw e.getCause();
                }
            });
            assertTrue(callbackListener.getMessage().contains("accept() is for listeners bound without one"),
                    callbackListener.getMessage());
        }
    }

    @Test
    @Timeout(30)
    void closingAListenerFailsItsPendingAccept() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            EventLoop loop = running.loop;
            TcpListener listener = running.call(() -> TcpListener.bind(loop, TcpEchoTest.ANY_LOOPBACK_PORT,
                    TcpListener.Options.DEFAULT));
            Promise<Object> acceptor = running.call(() -> loop.spawn(() -> await(listener.accept())));
            running.call(() -> {
                listener.close();
                return null;
            });
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> acceptor.toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
            assertNull(null);
        }
    }
}

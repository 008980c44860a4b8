package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An echo server on the loop, faced with plain blocking java.net.Socket clients. */
class TcpEchoTest {

    static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    @Timeout(120)
    void aThousandConcurrentClientsEachGetTheirSixtyFourKibibytesBack() throws Exception {
        int clients = 1000;
        int size = 64 * 1024;
        EchoHandler echo = new EchoHandler(clients);
        try (RunningLoop running = new RunningLoop()) {
            TcpListener listener = running.call(() -> TcpListener.bind(running.loop, ANY_LOOPBACK_PORT,
                    TcpListener.Options.DEFAULT, c -> c.setHandler(echo)));
            echoFromEveryClient(listener.localAddress(), clients, size);
            assertTrue(echo.closed.await(30, TimeUnit.SECONDS), "the server closed every connection");
            assertEquals(List.of(), List.copyOf(echo.closeCauses), "every close was clean");
            assertEquals(clients, echo.endOfStreams, "each peer's FIN was reported exactly once");
            assertEquals(1, (int) running.call(running.loop.selector::keyCount), "only the listener is left");
            running.call(() -> {
                listener.close();
                return null;
            });
            assertEquals(0, (int) running.call(running.loop.selector::keyCount), "the loop holds no key");
            assertEquals(0, running.call(running.loop::stats).registeredChannels());
        }
    }

    @Test
    @Timeout(60)
    void aGroupOfLoopsSharesOnePortThroughReusePort() throws Exception {
        EchoHandler echo = new EchoHandler(40);
        try (EventLoopGroup group = new EventLoopGroup(2, "group-test")) {
            List<TcpListener> listeners = group.listenOnEach(ANY_LOOPBACK_PORT, 128, c -> c.setHandler(echo));
            assertEquals(2, listeners.size());
            int port = listeners.get(0).port();
            assertEquals(port, listeners.get(1).port(), "both loops listen on the same port");
            for (int i = 0; i < 40; i++) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    byte[] msg = ("hello " + i).getBytes();
                    socket.getOutputStream().write(msg);
                    socket.shutdownOutput();
                    assertArrayEquals(msg, socket.getInputStream().readAllBytes());
                }
            }
            assertTrue(echo.closed.await(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new AssertionError("SO_REUSEPORT should be available on Linux", e);
        }
    }

    /**
     * Opens {@code clients} plain blocking sockets at once; each sends {@code size} random bytes in
     * random splits while reading, checks it got exactly its own bytes back and then a clean EOF.
     */
    static void echoFromEveryClient(InetSocketAddress server, int clients, int size) throws Exception {
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch allConnected = new CountDownLatch(clients);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                done.add(threads.submit(() -> {
                    Random random = new Random(id);
                    byte[] sent = new byte[size];
                    random.nextBytes(sent);
                    try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
                        allConnected.countDown();
                        allConnected.await(60, TimeUnit.SECONDS);   // all of them are open at once
                        Future<?> writer = threads.submit(() -> {
                            OutputStream out = socket.getOutputStream();
                            for (int off = 0; off < size; ) {
                                int n = Math.min(size - off, 1 + random.nextInt(8192));
                                out.write(sent, off, n);
                                off += n;
                            }
                            socket.shutdownOutput();
                            return null;
                        });
                        InputStream in = socket.getInputStream();
                        byte[] got = in.readNBytes(size);
                        writer.get();
                        if (!java.util.Arrays.equals(sent, got)) {
                            problems.add("client " + id + ": did not get its own bytes back");
                        }
                        if (in.read() != -1) {
                            problems.add("client " + id + ": more bytes than it sent");
                        }
                    } catch (Throwable t) {
                        problems.add("client " + id + ": " + t);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(List.of(), List.copyOf(problems));
    }
}

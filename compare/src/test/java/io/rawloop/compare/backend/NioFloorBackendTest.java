package io.rawloop.compare.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** nio-floor on a real socket: exactly one answer per request however the bytes are cut, and a client that stops reading neither makes it spin nor loses an answer. */
@Timeout(180)
class NioFloorBackendTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final byte[] HELLO = BackendsTest.request("/hello");

    @Test
    void pipelinedRequestsCutAtEveryByteGetOneAnswerEach() throws Exception {
        String[] targets = {"/hello", "/json", "/a?b=c", "/hello"};
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int[] ends = new int[targets.length];
        for (int i = 0; i < targets.length; i++) {
            all.write(BackendsTest.request(targets[i]));
            ends[i] = all.size();
        }
        byte[] stream = all.toByteArray();
        try (NioFloorBackend floor = NioFloorBackend.start(ANY_PORT);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), floor.port())) {
            s.setSoTimeout(30_000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(HELLO);
            String hello = BackendsTest.readResponse(in);
            assertTrue(hello.startsWith("HTTP/1.1 200 OK\r\n") && hello.endsWith("Hello, World!"), hello);
            for (int cut = 1; cut < stream.length; cut++) {
                out.write(stream, 0, cut);
                // The requests complete before the cut are answered before the rest is sent, so
                // that the server reads the two parts apart wherever the first part ends whole.
                int before = 0;
                while (before < ends.length && ends[before] <= cut) {
                    before++;
                }
                for (int i = 0; i < before; i++) {
                    assertEquals(hello, BackendsTest.readResponse(in), "cut at " + cut);
                }
                out.write(stream, cut, stream.length - cut);
                for (int i = before; i < targets.length; i++) {
                    assertEquals(hello, BackendsTest.readResponse(in), "cut at " + cut);
                }
            }
            s.shutdownOutput();
            assertEquals(-1, in.read(), "no answer more than the requests, and the end of stream closes it");
        }
    }

    @Test
    void aClientThatStopsReadingMakesItWaitNotSpinAndLosesNothing() throws Exception {
        int requests = 300_000;   // ~10 MB of requests, ~40 MB of answers: far more than the sockets buffer
        try (NioFloorBackend floor = NioFloorBackend.start(ANY_PORT); Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);   // small buffers, so that the server's writes fill them soon
            s.setSendBufferSize(16 * 1024);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), floor.port()));
            s.setSoTimeout(60_000);
            AtomicReference<IOException> failed = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().name("writer").start(() -> {
                byte[] chunk = new byte[HELLO.length * 1000];
                for (int i = 0; i < 1000; i++) {
                    System.arraycopy(HELLO, 0, chunk, i * HELLO.length, HELLO.length);
                }
                try {
                    OutputStream out = s.getOutputStream();
                    for (int sent = 0; sent < requests; sent += 1000) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    failed.set(e);
                }
            });
            assertTrue(floor.stalls.tryAcquire(60, TimeUnit.SECONDS), "the server waited for the client to read");
            long wakeups = floor.wakeups;
            // The client reads nothing for a while (the writer may be blocked by now, as the server
            // reads nothing while it owes answers): a selector that spun would wake all this time.
            writer.join(Duration.ofMillis(300));
            assertTrue(floor.wakeups - wakeups <= 2, (floor.wakeups - wakeups) + " wake-ups while the client read nothing");

            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
            // Every answer is as long as this one: the Date is fixed-width.
            byte[] answer = new byte[Endpoints.encode(new Endpoints.Answer(200, Endpoints.TEXT, Endpoints.HELLO, 0)).remaining()];
            byte[] head = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] body = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < requests; i++) {
                in.readFully(answer);
                assertArrayEquals(head, Arrays.copyOf(answer, head.length), "answer " + i + " begins as it should");
                assertArrayEquals(body, Arrays.copyOfRange(answer, answer.length - body.length, answer.length),
                        "answer " + i + " ends as it should");
            }
            writer.join();
            assertNull(failed.get());
            s.shutdownOutput();
            assertEquals(-1, in.read(), "exactly one answer per request");
        }
    }
}

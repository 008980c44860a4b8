package io.rawloop.compare.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The control port tells what the loop thread and all threads allocated, and names what it cannot do. */
@Timeout(60)
class ControlPortTest {

    private static final int BYTES = 10 * 1024 * 1024;

    static volatile byte[][] sink;

    @Test
    void allocationOfTheLoopThreadAndOfAllThreads() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch allocated = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread loop = Thread.ofPlatform().name("a loop").start(() -> {
            try {
                go.await();
                byte[][] arrays = new byte[BYTES / 1024][];
                for (int i = 0; i < arrays.length; i++) {
                    arrays[i] = new byte[1024];
                }
                sink = arrays;
                allocated.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (ControlPort port = ControlPort.open(Optional.of(loop));
             Socket s = new Socket(InetAddress.getLoopbackAddress(), port.port())) {
            s.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII);
            out.println("allocated");
            String[] before = in.readLine().split(" ");
            go.countDown();
            assertTrue(allocated.await(30, TimeUnit.SECONDS));
            out.println("allocated");
            String[] after = in.readLine().split(" ");
            assertEquals("ok", before[0]);
            assertEquals("ok", after[0]);
            assertTrue(Long.parseLong(after[2]) - Long.parseLong(before[2]) >= BYTES, "the loop thread's own allocation");
            assertTrue(Long.parseLong(after[1]) - Long.parseLong(before[1]) >= BYTES, "within all threads'");

            out.println("profile-start");
            String refused = in.readLine();
            assertTrue(refused.startsWith("error ") && refused.contains("not started to profile"), refused);
            out.println("dance");
            assertTrue(in.readLine().startsWith("error no command 'dance'; there are allocated, profile-start"));
        } finally {
            done.countDown();
            loop.join();
        }
    }

    @Test
    void noLoopThreadIsMinusOne() throws Exception {
        try (ControlPort port = ControlPort.open(Optional.empty());
             Socket s = new Socket(InetAddress.getLoopbackAddress(), port.port())) {
            s.setSoTimeout(30_000);
            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII);
            out.println("allocated");
            String answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertTrue(answer.matches("ok \\d+ -1"), answer);
        }
    }
}

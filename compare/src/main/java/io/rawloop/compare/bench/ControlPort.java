package io.rawloop.compare.bench;

import io.rawloop.loop.IoErrors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bench's second door into a back-end's JVM: a loopback port of its own, apart from the HTTP
 * port that the load hits (so no request of the load can reach it, and no back-end has to route
 * it), answering one line per line. It tells what only the JVM itself knows, the heap its threads
 * allocated, and starts and stops the profiler around the measured window. {@code serve
 * --control} opens it and prints {@code control on 127.0.0.1:PORT} before its listening line.
 *
 * <pre>
 * allocated             ok ALL LOOP   heap bytes allocated since the JVM started: by all threads
 *                                     but this door's own, and by the loop thread alone (-1: none)
 * profile-start         ok EVENT      async-profiler started (EVENT: cpu, or itimer and why)
 * profile-stop FILE     ok            stopped, its flame graph written to FILE (.html)
 * anything that fails   error REASON
 * </pre>
 */
public final class ControlPort implements AutoCloseable {

    private final ServerSocket listener;
    private final Optional<Thread> loopThread;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Thread thread;

    private ControlPort(ServerSocket listener, Optional<Thread> loopThread) {
        this.listener = listener;
        this.loopThread = loopThread;
        this.thread = Thread.ofPlatform().name("control").daemon().unstarted(this::serve);
    }

    /** Listens on a free loopback port; {@code loopThread} is the back-end's loop or selector thread, if it has one. */
    public static ControlPort open(Optional<Thread> loopThread) throws IOException {
        ServerSocket listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        ControlPort port = new ControlPort(listener, loopThread);
        port.thread.start();
        return port;
    }

    /** The port it listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** One client at a time: the bench holds one connection for a back-end's life. */
    private void serve() {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                 PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.println(answer(line.strip()));
                }
            } catch (IOException e) {
                // the bench went away, or we are closing: wait for the next one
            }
        }
    }

    private String answer(String command) {
        try {
            if (command.equals("allocated")) {
                return "ok " + allocatedByOthers() + " " + loopThread.map(t -> threads.getThreadAllocatedBytes(t.threadId())).orElse(-1L);
            } else if (command.equals("profile-start")) {
                return "ok " + Profiler.start();
            } else if (command.startsWith("profile-stop ")) {
                Profiler.stop(Path.of(command.substring("profile-stop ".length())));
                return "ok";
            }
            return "error no command '" + command + "'; there are allocated, profile-start, profile-stop FILE";
        } catch (IOException | RuntimeException | LinkageError e) {
            return "error " + IoErrors.reason(e).replace('\n', ' ');
        }
    }

    /**
     * All threads' allocation (virtual threads' is their carriers'), less this door's own, so
     * that asking does not count in what is asked.
     */
    private long allocatedByOthers() {
        return threads.getTotalThreadAllocatedBytes() - threads.getThreadAllocatedBytes(thread.threadId());
    }

    @Override
    public void close() {
        IoErrors.closeQuietly(listener);
    }
}

package io.rawloop.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real socket server whose every connection runs a script (a test's lambda): for responses no
 * well-behaved server would send on demand (1xx, close-delimited, answers cut short), and to see
 * exactly what arrived.
 */
final class ScriptedServer implements AutoCloseable {

    /** What a connection does; {@code index} counts accepted connections from 0. */
    interface Script {
        void run(Socket socket, int index) throws Exception;
    }

    private final ServerSocket listener;
    private final Thread acceptor;
    private final AtomicInteger accepted = new AtomicInteger();
    final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

    ScriptedServer(Script script) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("scripted-server").start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    int index = accepted.getAndIncrement();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.setSoTimeout(30_000);
                            script.run(s, index);
                        } catch (Exception e) {
                            errors.add(e);
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    int accepted() {
        return accepted.get();
    }

    /** Reads one request head (through the blank line) and returns it as text. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in a request head: " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Fails the test if a script threw. */
    void check() throws Throwable {
        Throwable t = errors.poll(0, TimeUnit.MILLISECONDS);
        if (t != null) {
            throw t;
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}

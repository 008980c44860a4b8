package io.rawloop.compare.backend;

import io.rawloop.compare.backend.Endpoints.Answer;
import io.rawloop.http.DateHeader;
import io.rawloop.http.HttpEvent;
import io.rawloop.http.HttpException;
import io.rawloop.http.HttpWriter;
import io.rawloop.http.RequestHead;
import io.rawloop.http.RequestParser;
import io.rawloop.loop.IoErrors;
import io.rawloop.loop.TlsEngines;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;

/**
 * A thread per connection, blocking sockets: read, parse with rawloop's codec, answer, repeat.
 * With platform threads this is the classic server; with virtual threads the same code, whose
 * blocking reads park the virtual thread instead of an OS thread. {@code /sleep} is
 * {@code Thread.sleep}. Pipelined requests that arrive in one read are answered in one write, as
 * the loop does.
 */
final class BlockingBackend implements Backend.Running {

    private final ServerSocket listener;

    private BlockingBackend(ServerSocket listener) {
        this.listener = listener;
    }

    /**
     * Plain, or over TLS when {@code tls} is not null: an {@link SSLServerSocket} whose sockets
     * shake hands at their first read, on their own thread, as a blocking server's do.
     */
    static Backend.Running start(InetSocketAddress address, ThreadFactory perConnection, SSLContext tls) throws IOException {
        ServerSocket listener = tls == null ? new ServerSocket() : tlsListener(tls);
        listener.bind(address, 1024);
        BlockingBackend backend = new BlockingBackend(listener);
        // region acceptor
        Thread.ofPlatform().name("acceptor").daemon().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    perConnection.newThread(() -> serve(s)).start();
                } catch (IOException e) {
                    if (!listener.isClosed()) {
                        System.err.println("accept failed: " + e.getMessage());
                    }
                }
            }
        });
        // endregion acceptor
        return backend;
    }

    /** TLS 1.3 and 1.2, ALPN http/1.1, the JDK's default suites: what rawloop's TlsEngines enables. */
    private static SSLServerSocket tlsListener(SSLContext tls) throws IOException {
        SSLServerSocket listener = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        SSLParameters parameters = listener.getSSLParameters();
        parameters.setProtocols(TlsEngines.PROTOCOLS.toArray(String[]::new));
        parameters.setApplicationProtocols(new String[] {TlsEngines.HTTP_1_1});
        listener.setSSLParameters(parameters);
        return listener;
    }

    // region serve
    private static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            RequestParser parser = new RequestParser();
            HttpWriter writer = new HttpWriter();
            byte[] buffer = new byte[16 * 1024];
            boolean keepAlive = true;
            while (keepAlive) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                ByteBuffer data = ByteBuffer.wrap(buffer, 0, n);
                byte[] date = DateHeader.now();   // once per read batch, as rawloop's server does
                try {
                    for (HttpEvent e; keepAlive && (e = parser.parse(data)) != HttpEvent.NEED_MORE; ) {
                        if (e == HttpEvent.COMPLETE) {
                            RequestHead head = parser.head();
                            Answer a = Endpoints.route(head.target());
                            if (a.sleepMs() > 0) {
                                flush(writer, out);   // answers before this one go now, in order
                                Thread.sleep(a.sleepMs());
                            }
                            Endpoints.write(writer, a, a.sleepMs() > 0 ? DateHeader.now() : date);
                            keepAlive = head.keepAlive();
                        }
                    }
                } catch (HttpException e) {
                    Endpoints.write(writer, new Answer(e.status(), Endpoints.TEXT,
                            (e.reason() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0));
                    keepAlive = false;
                }
                flush(writer, out);   // one write per batch of requests read together
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or we are stopping: nothing to answer
        }
    }
    // endregion serve

    private static void flush(HttpWriter writer, OutputStream out) throws IOException {
        if (writer.length() > 0) {
            ByteBuffer bytes = writer.take();
            out.write(bytes.array(), 0, bytes.remaining());
        }
    }

    @Override
    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() {
        IoErrors.closeQuietly(listener);
    }
}

package io.rawloop.client.cli;

import io.rawloop.client.ClientTls;
import io.rawloop.loop.ConnectionHandler;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.Timer;
import io.rawloop.loop.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raw HOST:PORT --send TEXT}: the socket-level experiments the Python talks do by hand, reusable. Sends exactly the
 * bytes asked for (all at once, or trickled), optionally half-closes, and prints every arrival
 * with its time offset and size, then what arrived, escaped.
 *
 * <pre>
 * rawloop-client.jar raw 127.0.0.1:8080 --send 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n' --chunk 1 --delay-ms 100
 * rawloop-client.jar raw localhost:8443 --tls --cacert ca.pem --send 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n'
 * </pre>
 */
@Command(name = "raw", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send bytes to HOST:PORT and print what comes back, with timestamps.",
            "TEXT understands \\r \\n \\t \\0 \\\\ and \\xHH."})
final class RawCommand implements Callable<Integer> {

    @Parameters(paramLabel = "HOST:PORT", description = "Where to connect.")
    String target;

    @Option(names = "--send", paramLabel = "TEXT", defaultValue = "", description = "Bytes to send, with escapes.")
    String send;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "0", description = "Send N bytes at a time (0: all at once).")
    int chunk;

    @Option(names = "--delay-ms", paramLabel = "M", defaultValue = "0", description = "Wait M ms between chunks.")
    long delayMs;

    @Option(names = "--half-close", description = "After sending, shut down our output (FIN) and keep reading.")
    boolean halfClose;

    @Option(names = "--read-timeout", paramLabel = "MS", defaultValue = "2000",
            description = "Stop when nothing arrives for MS ms after the last send or arrival (default ${DEFAULT-VALUE}).")
    long readTimeoutMs;

    @Option(names = "--connect-timeout", paramLabel = "MS", defaultValue = "5000", description = "Connect timeout (default ${DEFAULT-VALUE}).")
    long connectTimeoutMs;

    @Option(names = "--tls", description = "Speak TLS (as an https client: SNI, the name checked); the bytes are sent and shown decrypted.")
    boolean tls;

    @Option(names = "--cacert", paramLabel = "FILE", description = "With --tls: trust this PEM file's CAs instead of the JDK's.")
    Path caCert;

    @Option(names = {"-k", "--insecure"}, description = "With --tls: check neither the certificate nor the name.")
    boolean insecure;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int colon = target.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
            if (colon <= 0 || port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("'" + target + "' is not HOST:PORT (a port from 1 to 65535)");
            return 2;
        }
        String host = target.substring(0, colon).replace("[", "").replace("]", "");
        byte[] bytes;
        try {
            bytes = Escapes.decode(send);
        } catch (IllegalArgumentException e) {
            err.println("--send: " + e.getMessage());
            return 2;
        }
        if (chunk < 0 || delayMs < 0 || readTimeoutMs < 1 || connectTimeoutMs < 1) {
            err.println("--chunk and --delay-ms must be at least 0, the timeouts at least 1");
            return 2;
        }
        ClientTls trust;
        try {
            if (!tls && (caCert != null || insecure)) {
                throw new IllegalArgumentException("--cacert and --insecure go with --tls");
            }
            trust = tls ? FetchCommand.tls(caCert, insecure).withHandshakeTimeout(Duration.ofMillis(connectTimeoutMs)) : null;
        } catch (IOException | IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        try (EventLoop loop = EventLoop.create()) {
            loop.start();
            Session session = new Session(loop, out, bytes, trust);
            CompletableFuture<Void> done = loop.submit(() -> session.start(host, port)).thenCompose(f -> f);
            try {
                done.get();
            } catch (ExecutionException e) {
                err.println("cannot talk to " + target + ": " + e.getCause().getMessage());
                return 1;
            }
        }
        return 0;
    }

    /** One run: connect, send (trickling), read until the end, a timeout or both sides closed. */
    private final class Session implements ConnectionHandler {
        private final EventLoop loop;
        private final PrintWriter out;
        private final byte[] bytes;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private long start;
        private int sent;
        private Timer quiet;
        private TcpConnection connection;
        /** With --tls: whom to trust; else null. */
        private final ClientTls trust;

        Session(EventLoop loop, PrintWriter out, byte[] bytes, ClientTls trust) {
            this.loop = loop;
            this.out = out;
            this.bytes = bytes;
            this.trust = trust;
        }

        CompletableFuture<Void> start(String host, int port) {
            start = System.nanoTime();
            Promise<InetSocketAddress> address = loop.offload(() -> new InetSocketAddress(InetAddress.getByName(host), port));
            address.flatMap(a -> TcpConnection.connect(loop, a, Duration.ofMillis(connectTimeoutMs)))
                    .onComplete((c, failure) -> {
                        if (failure != null) {
                            done.completeExceptionally(failure);
                            return;
                        }
                        connection = c;
                        say("connected to " + c.remoteAddress() + " from " + c.localAddress());
                        if (trust != null) {
                            c.startTls(trust.engine(host, port), TlsOptions.DEFAULT.withHandshakeTimeout(trust.handshakeTimeout())
                                    .withListeners(h -> say("TLS handshake done: " + h.protocol() + ", " + h.cipherSuite()
                                            + (h.applicationProtocol().isEmpty() ? "" : ", ALPN " + h.applicationProtocol())),
                                            refused -> { }));
                        }
                        c.setHandler(this);
                        sendNext();
                    });
            return done;
        }

        private void sendNext() {
            if (!connection.isOpen()) {
                return;
            }
            int n = chunk == 0 ? bytes.length - sent : Math.min(chunk, bytes.length - sent);
            if (n > 0) {
                connection.write(ByteBuffer.wrap(Arrays.copyOfRange(bytes, sent, sent + n)));
                sent += n;
                say("sent " + n + " bytes" + (chunk == 0 ? "" : " (" + sent + " of " + bytes.length + ")"));
            }
            if (sent < bytes.length) {
                loop.schedule(Duration.ofMillis(delayMs), this::sendNext);
                return;
            }
            if (halfClose) {
                connection.shutdownOutput();
                say(trust != null ? "sent close_notify, then FIN: the server sees the end of the data"
                        : "shut down our output (FIN): the server sees end of stream");
            }
            waitQuietly();
        }

        private void waitQuietly() {
            if (quiet != null) {
                quiet.cancel();
            }
            quiet = loop.schedule(Duration.ofMillis(readTimeoutMs), () -> {
                if (sent < bytes.length) {
                    return;   // still trickling: the timeout counts from the last send
                }
                say("nothing for " + readTimeoutMs + " ms: closing");
                connection.close();
            });
        }

        @Override
        public void onData(TcpConnection c, ByteBuffer data) {
            say("received " + data.remaining() + " bytes");
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            received.writeBytes(copy);
            waitQuietly();
        }

        @Override
        public void onEndOfStream(TcpConnection c) {
            say(trust != null ? "end of stream: the server sent close_notify (RFC 8446 §6.1)"
                    : "end of stream: the server shut down its output");
            c.close();
        }

        @Override
        public void onClose(TcpConnection c, Throwable cause) {
            if (quiet != null) {
                quiet.cancel();
            }
            if (cause != null) {
                say("connection closed: " + cause.getMessage());
            }
            byte[] all = received.toByteArray();
            out.println("--- " + all.length + " bytes received ---");
            out.print(Escapes.encode(all, all.length));
            if (all.length > 0 && all[all.length - 1] != '\n') {
                out.println();
            }
            out.flush();
            done.complete(null);
        }

        private void say(String what) {
            out.println(String.format(Locale.ROOT, "+%9.3f ms  %s", (System.nanoTime() - start) / 1e6, what));
            out.flush();
        }
    }
}

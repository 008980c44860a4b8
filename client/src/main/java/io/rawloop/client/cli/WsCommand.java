package io.rawloop.client.cli;

import static io.rawloop.loop.Coroutine.await;

import io.rawloop.client.ClientConfig;
import io.rawloop.client.HttpClient;
import io.rawloop.client.HttpClientException;
import io.rawloop.client.websocket.CloseStatus;
import io.rawloop.client.websocket.WebSocket;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ws URL}: opens a WebSocket, sends text (from {@code --send}, or else a message per line
 * of standard input), raw frames and pings, prints what comes back with a timestamp, then closes
 * with {@code --close CODE}. Exit status 0 after a clean close handshake, 1 otherwise (a refused
 * handshake, the server's failure close), 2 for a usage error.
 */
@Command(name = "ws", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Talk to a WebSocket: send messages, print what comes back (timestamped), close.",
            "Without --send, --raw-frame or --ping, each line of standard input is sent as a text message."})
final class WsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @Parameters(paramLabel = "URL", description = "ws://host[:port]/path, or wss:// over TLS.")
    String url;

    @Option(names = "--send", paramLabel = "TEXT", description = "A text message to send; repeatable, in order.")
    List<String> sends = new ArrayList<>();

    @Option(names = "--raw-frame", paramLabel = "HEX", description = "Bytes to send as they are (a frame, or not), "
            + "before the messages: e.g. 8180 is an unmasked empty text frame, which a server must refuse with 1002.")
    List<String> rawFrames = new ArrayList<>();

    @Option(names = "--ping", description = "Send a ping and print the pong.")
    boolean ping;

    @Option(names = "--close", paramLabel = "CODE", defaultValue = "1000",
            description = "The close code to end with (default ${DEFAULT-VALUE}).")
    int closeCode;

    @Option(names = "--wait-ms", defaultValue = "2000",
            description = "After the last message, wait at most this long for the answers (default ${DEFAULT-VALUE}).")
    long waitMs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "wss: trust the CA certificates of this PEM file instead of the JDK's trust store (as curl).")
    java.nio.file.Path caCert;

    @Option(names = {"-k", "--insecure"},
            description = "wss: check neither the certificate nor the name (as curl): encrypted, not authenticated.")
    boolean insecure;

    /** Where stdin lines come from (tests replace it). */
    InputStream stdin = System.in;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<ByteBuffer> raw = new ArrayList<>();
        try {
            for (String hex : rawFrames) {
                raw.add(ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", ""))));
            }
        } catch (IllegalArgumentException e) {
            err.println("--raw-frame takes hex digits, two per byte: " + e.getMessage());
            return 2;
        }
        if (waitMs < 0) {
            err.println("--wait-ms must not be negative");
            return 2;
        }
        ClientConfig config;
        try {
            config = ClientConfig.DEFAULT.withTls(FetchCommand.tls(caCert, insecure));
        } catch (java.io.IOException | IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        try (EventLoop loop = EventLoop.create()) {
            return loop.runUntilComplete(loop.spawn(() -> session(loop, raw, config)));
        }
    }

    // region session
    private int session(EventLoop loop, List<ByteBuffer> raw, ClientConfig config) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        HttpClient client = HttpClient.create(loop, config);
        WebSocket socket;
        try {
            socket = await(client.websocket(URI.create(url)));
        } catch (HttpClientException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("not a URL: " + url);
            return 2;
        }
        print(out, "connected to " + url);
        Replies replies = new Replies(loop, out);
        socket.listen(replies);
        for (ByteBuffer frame : raw) {
            print(out, "> raw " + HexFormat.of().formatHex(frame.array()));
            await(socket.sendRaw(frame));
        }
        if (ping) {
            print(out, "> ping");
            replies.expected++;
            await(socket.ping("rawloop".getBytes(StandardCharsets.UTF_8)));
        }
        if (!sends.isEmpty() || !raw.isEmpty() || ping) {
            for (String text : sends) {
                sendText(socket, replies, out, text);
            }
        } else {
            Lines lines = new Lines(loop, stdin);
            for (String line; socket.isOpen() && (line = await(lines.next())) != null; ) {
                sendText(socket, replies, out, line);
            }
        }
        replies.armDeadline(Duration.ofMillis(waitMs), socket);
        await(replies.settled);
        socket.close(closeCode, "");
        CloseStatus status = await(socket.closed());
        print(out, "closed " + status.code() + (status.reason().isEmpty() ? "" : " " + status.reason())
                + (status.clean() ? " (clean)" : " (not clean)"));
        return status.clean() && status.code() == closeCode ? 0 : 1;
    }
    // endregion session

    private static void sendText(WebSocket socket, Replies replies, PrintWriter out, String text) throws Exception {
        if (!socket.isOpen()) {
            return;
        }
        print(out, "> " + text);
        replies.expected++;
        await(socket.send(text));
    }

    static void print(PrintWriter out, String line) {
        out.println(LocalTime.now().format(TIME) + " " + line);
        out.flush();
    }

    /** Prints what comes back; settles once every message sent has had an answer, or the socket closed. */
    private static final class Replies implements WebSocket.Listener {
        final Promise<Void> settled;
        private final PrintWriter out;
        int expected;
        private int received;

        Replies(EventLoop loop, PrintWriter out) {
            this.settled = loop.newPromise();
            this.out = out;
        }

        @Override
        public void onText(WebSocket socket, String text) {
            print(out, "< " + text);
            count();
        }

        @Override
        public void onBinary(WebSocket socket, byte[] data) {
            print(out, "< binary " + data.length + " bytes: " + HexFormat.of().formatHex(data, 0, Math.min(64, data.length)));
            count();
        }

        @Override
        public void onPong(WebSocket socket, byte[] payload) {
            print(out, "< pong " + new String(payload, StandardCharsets.UTF_8));
            count();
        }

        @Override
        public void onClose(WebSocket socket, CloseStatus status) {
            settled.complete(null);
        }

        private void count() {
            if (++received >= expected) {
                settled.complete(null);
            }
        }

        void armDeadline(Duration wait, WebSocket socket) {
            if (received >= expected || !socket.isOpen()) {
                settled.complete(null);
            } else {
                socket.connection().loop().schedule(wait, () -> settled.complete(null));
            }
        }
    }

    /** Standard input's lines, read on a thread of their own (a read blocks) and handed to the loop. */
    private static final class Lines {
        private final EventLoop loop;
        private final ArrayDeque<String> ready = new ArrayDeque<>();
        private Promise<String> waiting;
        private boolean ended;

        Lines(EventLoop loop, InputStream in) {
            this.loop = loop;
            Thread.ofPlatform().daemon().name("ws-stdin").start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        String l = line;
                        loop.execute(() -> arrived(l));
                    }
                } catch (IOException | RuntimeException ignored) {
                    // the end of input, however it ends
                }
                loop.execute(() -> arrived(null));
            });
        }

        private void arrived(String line) {
            if (waiting != null) {
                Promise<String> w = waiting;
                waiting = null;
                ended |= line == null;
                w.complete(line);
            } else if (line == null) {
                ended = true;
            } else {
                ready.add(line);
            }
        }

        Promise<String> next() {
            if (!ready.isEmpty()) {
                return Promise.succeeded(loop, ready.poll());
            }
            if (ended) {
                return Promise.succeeded(loop, null);
            }
            waiting = loop.newPromise();
            return waiting;
        }
    }
}

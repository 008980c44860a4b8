package io.rawloop.compare.load;

import io.rawloop.compare.backend.WebSocketEcho;
import io.rawloop.http.websocket.CloseCodes;
import io.rawloop.http.websocket.FrameParser;
import io.rawloop.http.websocket.FrameWriter;
import io.rawloop.http.websocket.Handshake;
import io.rawloop.http.websocket.Opcode;
import io.rawloop.http.websocket.WebSocketException;
import io.rawloop.loop.ConnectionHandler;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One connection of a {@link WsLoadGenerator}: the opening handshake, then binary messages out
 * on schedule (or as soon as one may go) and their echoes in, with rawloop's frame codec and
 * nothing above it, so that the generator spends little of the machine.
 *
 * <pre>
 *   CONNECTING ──TCP open──▶ HANDSHAKE ──101 with the right Sec-WebSocket-Accept──▶ OPEN
 *        ▲                       │ anything else: the run is refused                 │
 *        └──── 100 ms ◀── closed or reset (in-flight messages count as errors) ◀─────┘
 * </pre>
 */
final class WsLoadClient implements ConnectionHandler, FrameParser.Listener {

    /**
     * SIMPLIFICATION: mask keys from ThreadLocalRandom, not SecureRandom. §10.3 wants keys an
     * intermediary cannot predict; on loopback there is none, and SecureRandom per message would
     * make the generator, not the server, the figure.
     */
    private final FrameWriter writer = new FrameWriter(ThreadLocalRandom.current());
    private final WsLoadGenerator.Run run;
    /** Intended send times of the messages not yet echoed, oldest first. */
    final ArrayDeque<Long> inFlight = new ArrayDeque<>();
    private FrameParser parser;
    private String key;
    /** The 101's head while it arrives; null once the connection is a WebSocket's. */
    private StringBuilder head;
    private TcpConnection connection;
    private Timer timer;
    private long nextIntended;
    private boolean begun;
    private boolean stopped;
    private Opcode frameOpcode;
    private long frameLength;

    WsLoadClient(WsLoadGenerator.Run run) {
        this.run = run;
    }

    void connect() {
        TcpConnection.connect(run.loop, run.address, Duration.ofSeconds(10)).onComplete((c, failure) -> {
            if (stopped) {
                if (c != null) {
                    c.close();
                }
            } else if (failure != null) {
                run.error("connect");
                run.loop.schedule(Duration.ofMillis(100), this::connect);
            } else {
                connection = c;
                key = Handshake.newKey(ThreadLocalRandom.current());
                head = new StringBuilder();
                parser = new FrameParser(false, WebSocketEcho.MAX_MESSAGE);
                c.setHandler(this);
                c.write(ByteBuffer.wrap(("GET " + run.target() + " HTTP/1.1\r\nHost: " + run.host()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                        + "\r\nSec-WebSocket-Version: " + Handshake.VERSION + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            }
        });
    }

    /** The clock has started: the first message is intended at {@code firstIntended}. */
    void begin(long firstIntended) {
        begun = true;
        nextIntended = firstIntended;
        send();
    }

    /** Sends every message that is due and has a place; sets a timer for the next. */
    private void send() {
        if (stopped || !begun || connection == null || head != null || run.window.draining()) {
            return;
        }
        long now = System.nanoTime();
        boolean closedLoop = run.intervalNanos == 0;
        while (inFlight.size() < run.plan.inFlight() && (closedLoop || nextIntended <= now)) {
            inFlight.add(closedLoop ? now : nextIntended);
            nextIntended += run.intervalNanos;
            connection.write(writer.frame(Opcode.BINARY, run.payload));
        }
        if (!closedLoop && inFlight.size() < run.plan.inFlight() && timer == null) {
            timer = run.loop.schedule(Duration.ofNanos(Math.max(0, nextIntended - now)), () -> {
                timer = null;
                send();
            });
        }
    }

    @Override
    public void onData(TcpConnection c, ByteBuffer data) {
        if (head != null && !handshake(c, data)) {
            return;
        }
        try {
            parser.parse(data, this);
        } catch (WebSocketException e) {
            run.error("malformed: " + e.getMessage());
            c.abort();
            return;
        }
        if (run.window.draining()) {
            run.window.finishIfDrained();
        } else {
            send();
        }
    }

    /**
     * Reads the 101's head (§4.1: status 101, and Sec-WebSocket-Accept proving the server read our
     * key); true once it is whole and right, with {@code data} at the first frame's bytes.
     */
    private boolean handshake(TcpConnection c, ByteBuffer data) {
        while (data.hasRemaining() && !head.toString().endsWith("\r\n\r\n")) {
            head.append((char) (data.get() & 0xFF));
        }
        String text = head.toString();
        if (!text.endsWith("\r\n\r\n")) {
            if (text.length() > 16 * 1024) {
                refuse(c, "no end to the answer's head in 16 KiB");
            }
            return false;
        }
        String firstLine = text.substring(0, text.indexOf('\r'));
        if (!firstLine.startsWith("HTTP/1.1 101")) {
            refuse(c, "answered " + firstLine);
            return false;
        }
        if (!text.toLowerCase(Locale.ROOT).contains("\r\nsec-websocket-accept: " + Handshake.accept(key).toLowerCase(Locale.ROOT)
                + "\r\n")) {
            refuse(c, "a 101 without the Sec-WebSocket-Accept our key asks for");
            return false;
        }
        head = null;
        run.opened();
        return true;
    }

    private void refuse(TcpConnection c, String why) {
        stopped = true;
        c.abort();
        run.refused(why);
    }

    @Override
    public void frameStart(boolean fin, Opcode opcode, long length) throws WebSocketException {
        if (opcode == Opcode.CLOSE) {
            throw new WebSocketException(CloseCodes.NORMAL, "the server closed the WebSocket");
        }
        if (opcode != Opcode.PING && opcode != Opcode.PONG && !fin) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "the echo came in fragments");   // servers here echo whole messages
        }
        frameOpcode = opcode;
        frameLength = length;
    }

    @Override
    public void payload(ByteBuffer in, int from, int length) {
        // Only the count matters: the echo's length is checked at its end.
    }

    @Override
    public void frameEnd() {
        if (frameOpcode != Opcode.BINARY) {
            return;   // a ping or pong: no echo of ours
        }
        Long intended = inFlight.poll();
        if (frameLength != run.payload.length) {
            run.error("echo of " + frameLength + " bytes, not " + run.payload.length);
        } else if (intended != null) {
            run.window.record(intended, System.nanoTime());
        }
    }

    @Override
    public void onClose(TcpConnection c, Throwable cause) {
        connection = null;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (stopped) {
            return;
        }
        for (int i = 0; i < inFlight.size(); i++) {
            run.error(cause == null ? "closed" : "reset");
        }
        inFlight.clear();
        if (head != null) {
            run.error("handshake: closed before the 101");
        }
        // A fresh connection after a pause, which rejoins the schedule where it stands.
        run.loop.schedule(Duration.ofMillis(100), () -> {
            if (!stopped) {
                connect();
            }
        });
    }

    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
        }
        if (connection != null) {
            connection.close();
        }
    }
}

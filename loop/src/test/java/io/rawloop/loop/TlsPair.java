package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;

/**
 * A client and a server {@link TlsLayer} joined by two in-memory wires, on the test's own thread:
 * no socket and no other thread, so every run is the same run. {@link #settle()} carries bytes
 * across, cut by a {@link Split}, and runs queued delegated tasks, until nothing moves. A side
 * whose transport is closed sends, after its last bytes, an end of stream: TCP's FIN.
 */
final class TlsPair {

    /** How the bytes on a wire are cut into the other side's {@code receive} calls. */
    interface Split {
        List<ByteBuffer> cut(byte[] bytes);
    }

    /** Everything that crossed since the last delivery, in one {@code receive}. */
    static final Split ALL_AT_ONCE = bytes -> List.of(ByteBuffer.wrap(bytes));

    /** A byte per {@code receive}: every record arrives in pieces, headers too. */
    static final Split ONE_BYTE = bytes -> {
        List<ByteBuffer> pieces = new ArrayList<>(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            pieces.add(ByteBuffer.wrap(bytes, i, 1).slice());
        }
        return pieces;
    };

    /** Random cuts, from a byte to tens of kilobytes, the same for the same seed. */
    static Split random(long seed) {
        Random random = new Random(seed);
        return bytes -> {
            List<ByteBuffer> pieces = new ArrayList<>();
            for (int at = 0; at < bytes.length; ) {
                int bound = switch (random.nextInt(3)) {
                    case 0 -> 8;
                    case 1 -> 700;
                    default -> 40_000;
                };
                int n = Math.min(bytes.length - at, 1 + random.nextInt(bound));
                pieces.add(ByteBuffer.wrap(bytes, at, n).slice());
                at += n;
            }
            return pieces;
        };
    }

    /** How delegated tasks run: at once, inside the engine's request, or queued until {@link #settle()}. */
    enum Tasks { DIRECT, QUEUED }

    final Side client;
    final Side server;
    private final Split split;
    private final ArrayDeque<Runnable> queuedTasks = new ArrayDeque<>();
    int tasksRun;

    TlsPair(SSLEngine clientEngine, SSLEngine serverEngine, Tasks tasks, Split split) {
        this.split = split;
        Executor executor = tasks == Tasks.DIRECT ? Runnable::run : queuedTasks::add;
        this.server = new Side("server", serverEngine, executor);
        this.client = new Side("client", clientEngine, executor);
    }

    /** With the test certificate and rawloop's policy on both ends. */
    static TlsPair standard(Tasks tasks, Split split) throws Exception {
        return new TlsPair(TestCertificates.clientEngine(), TestCertificates.serverEngine(), tasks, split);
    }

    /** Starts both layers: the client's ClientHello is then on its wire. */
    TlsPair start() {
        server.start();
        client.start();
        return this;
    }

    /** Carries bytes both ways and runs queued tasks until nothing moves. */
    void settle() {
        for (int round = 0; ; round++) {
            assertTrue(round < 100_000, "the pair never settled");
            boolean moved = runQueuedTasks() | deliver(client, server) | deliver(server, client);
            if (!moved) {
                return;
            }
        }
    }

    /** Delegated tasks waiting to run, for tests that look in between. */
    int queuedTasks() {
        return queuedTasks.size();
    }

    boolean runQueuedTasks() {
        boolean ran = false;
        for (Runnable task; (task = queuedTasks.poll()) != null; ) {
            task.run();
            tasksRun++;
            ran = true;
        }
        return ran;
    }

    /** Delivers what {@code from} sent to {@code to}, then its FIN once its transport is closed. */
    boolean deliver(Side from, Side to) {
        boolean moved = false;
        if (!from.wire.isEmpty()) {
            byte[] bytes = from.takeWire();
            for (ByteBuffer piece : split.cut(bytes)) {
                to.layer.receive(piece);
                assertFalse(piece.hasRemaining(), "receive consumes everything it is given");
            }
            moved = true;
        }
        if (from.transportClosed && !from.finSent) {
            from.finSent = true;
            to.layer.receiveEndOfStream();
            moved = true;
        }
        return moved;
    }

    /** One end: its layer, the transport under it (a wire) and the handler over it (a recorder). */
    static final class Side implements TlsTransport, TlsHandler {
        final String name;
        final SSLEngine engine;
        private final Executor tasks;
        TlsLayer layer;
        final ArrayDeque<ByteBuffer> wire = new ArrayDeque<>();
        boolean transportClosed;
        boolean finSent;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        /** What happened, in order: handshake, data, peer-closed, close. */
        final List<String> events = new ArrayList<>();
        TlsHandshake handshake;
        Throwable closeCause;
        boolean closeWhenPeerCloses = true;
        long recordsSent;

        Side(String name, SSLEngine engine, Executor tasks) {
            this.name = name;
            this.engine = engine;
            this.tasks = tasks;
        }

        void start() {
            layer = TlsLayer.start(engine, tasks, Runnable::run, this, this);
        }

        void send(String text) {
            layer.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }

        String text() {
            return received.toString(StandardCharsets.UTF_8);
        }

        byte[] takeWire() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (ByteBuffer b; (b = wire.poll()) != null; ) {
                all.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            }
            return all.toByteArray();
        }

        /** The records the layer hands over: whole ones only, none longer than TLS allows. */
        @Override
        public void write(ByteBuffer records) {
            assertFalse(transportClosed, name + ": write after the layer closed its transport");
            int limit = engine.getSession().getPacketBufferSize();
            for (int at = records.position(); at < records.limit(); ) {
                assertTrue(records.limit() - at >= TlsRecords.HEADER_LENGTH, name + ": half a record header");
                int length = TlsRecords.HEADER_LENGTH + ((records.get(at + 3) & 0xFF) << 8 | records.get(at + 4) & 0xFF);
                // RFC 8446 §5.2: a TLSCiphertext fragment is at most 2^14 + 256 bytes; 5246 allows 2048.
                assertTrue(length <= TlsRecords.HEADER_LENGTH + (1 << 14) + 2048 && length <= limit,
                        name + ": a record of " + length + " bytes");
                at += length;
                assertTrue(at <= records.limit(), name + ": half a record");
                recordsSent++;
            }
            wire.add(records);
        }

        @Override
        public void close() {
            assertFalse(transportClosed, name + ": transport closed twice");
            transportClosed = true;
        }

        @Override
        public void onHandshake(TlsLayer layer, TlsHandshake handshake) {
            events.add("handshake");
            this.handshake = handshake;
        }

        @Override
        public void onData(TlsLayer layer, ByteBuffer data) {
            if (events.isEmpty() || !events.getLast().equals("data")) {
                events.add("data");
            }
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received.writeBytes(bytes);
        }

        @Override
        public void onPeerClosed(TlsLayer layer) {
            events.add("peer-closed");
            if (closeWhenPeerCloses) {
                layer.close();
            }
        }

        @Override
        public void onClose(TlsLayer layer, Throwable cause) {
            events.add("close");
            closeCause = cause;
        }

        /** The handler heard exactly these events, in this order. */
        void assertEvents(String... expected) {
            assertEquals(List.of(expected), events, name + "'s events");
        }
    }
}

package io.rawloop.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;

/**
 * A {@link TlsLayer} wired onto a {@link TcpConnection}, between the socket and the connection's
 * handler, so that the handler (HTTP code) reads and writes plaintext and cannot tell: what
 * {@link TcpConnection#startTls} installs.
 *
 * <h2>The wiring</h2>
 * The wire is the connection's {@link ConnectionHandler} and its {@link ByteSink}; the handler the
 * owner sets is kept as {@code above}.
 * <ul>
 *   <li>Reads: ciphertext reaches {@link #onData}, goes into the layer, and comes out as
 *       {@code above.onData} with plaintext.</li>
 *   <li>Writes: {@code connection.write} lands in {@link #write}, goes into the layer, and its
 *       records go to the connection's write half. So {@code pendingBytes()}, the watermarks and
 *       their backpressure count ciphertext, the bytes really waiting for the kernel.</li>
 *   <li>Ends: {@code close()} queues close_notify before the socket's close, without waiting for
 *       the peer's (RFC 8446 §6.1 allows it); {@code shutdownOutput()} queues it and goes on
 *       reading, as a lingering close does. The peer's close_notify is {@code above.onEndOfStream};
 *       a FIN without it, {@code above.onClose} with a {@link TlsTruncationException}, never an
 *       end of stream, so that a body cut short cannot pass for a whole one.</li>
 * </ul>
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   SNIFFING ──TLS record──▶ LAYERED ──layer or socket closed──▶ CLOSED
 *      │  (server only;         ▲  (a client starts here)          ▲
 *      │   first bytes)         │                                  │
 *      └── plain HTTP (the answer, then close), garbage, FIN ──────┘
 * </pre>
 * A handshake timeout on the loop's clock runs from the start to the handshake's end; the
 * engine's delegated tasks run on the loop's offload pool.
 *
 * <p>SIMPLIFICATION: a file written through TLS is read into the heap (on the loop thread, as a
 * page-cache hit usually is) and encrypted a piece at a time as the records leave
 * ({@link TlsFileFeed}), where plain TCP uses zero-copy sendfile(2); kernel TLS would restore it.
 */
final class TlsWire implements ConnectionHandler, ByteSink {

    /** Where a wire is in its life; see the class comment. */
    enum State { SNIFFING, LAYERED, CLOSED }

    private final TcpConnection connection;
    private final EventLoop loop;
    private final SSLEngine engine;
    private final TlsOptions options;
    private State state;
    private ConnectionHandler above;
    private TlsLayer layer;
    /** A server's first bytes, while they are too few to tell TLS from plain HTTP. */
    private final TlsOpening opening = new TlsOpening();
    private Timer handshakeTimer;
    private TlsHandshakeTimeoutException timedOut;
    /** Why the wire or its layer closed the socket: what {@code above.onClose} hears. */
    private Throwable cause;
    private boolean handshakeDone;
    private boolean closeAsked;
    /** Files being read into the layer, and what was written after them. */
    private final TlsFileFeed files = new TlsFileFeed();
    private boolean feedQueued;
    /** close() or shutdownOutput(), asked while a file was still being read: run once it is. */
    private Runnable afterFiles;
    /** drained() promises asked during the handshake or a file, when the plaintext waits here. */
    private DrainWaiters drainWaiters;

    private TlsWire(TcpConnection connection, SSLEngine engine, TlsOptions options, ConnectionHandler above) {
        this.connection = connection;
        this.loop = connection.loop();
        this.engine = engine;
        this.options = options;
        this.above = above;
        this.state = engine.getUseClientMode() ? State.LAYERED : State.SNIFFING;
    }

    /** Installs TLS on {@code connection}; a client's handshake starts when its handler is set. */
    static TlsWire start(TcpConnection connection, SSLEngine engine, TlsOptions options, ConnectionHandler above) {
        TlsWire wire = new TlsWire(connection, engine, options, above);
        wire.handshakeTimer = wire.loop.schedule(options.handshakeTimeout(), wire::handshakeTimedOut);
        if (above != null) {
            wire.loop.enqueue(wire::startClient);   // once the connection's handler is the wire
        }
        return wire;
    }

    /** The owner's handler from now on; returns the wire, which stays the connection's own. */
    ConnectionHandler above(ConnectionHandler handler) {
        above = Objects.requireNonNull(handler, "handler");
        startClient();
        return this;
    }

    /** The owner's handler, or null before one is set. */
    ConnectionHandler above() {
        return above;
    }

    /** A client's ClientHello leaves once someone will hear the answer (RFC 8446 §4.1.2). */
    private void startClient() {
        if (state == State.LAYERED && layer == null) {
            startLayer();
        }
    }

    // region wiring
    private void startLayer() {
        state = State.LAYERED;
        layer = TlsLayer.start(engine, task -> loop.offload(Executors.callable(task)), loop,
                new TlsSocketTransport(connection), new Plaintext());
    }

    /** What the layer tells: passed on to the owner's handler as if it came from the socket. */
    private final class Plaintext implements TlsHandler {
        @Override
        public void onHandshake(TlsLayer l, TlsHandshake handshake) {
            handshakeDone = true;
            cancelTimer();
            options.onHandshake().accept(handshake);
            above.onTlsHandshake(connection, handshake);   // set before the first byte was read
            feedFiles();
            settleDrainWaiters(null);
        }

        @Override
        public void onData(TlsLayer l, ByteBuffer data) {
            above.onData(connection, data);
        }

        @Override
        public void onPeerClosed(TlsLayer l) {
            above.onEndOfStream(connection);   // close_notify: the true end of the data
        }

        @Override
        public void onClose(TlsLayer l, Throwable why) {
            Throwable effective = timedOut != null ? timedOut : why;
            ended(effective);
        }
    }

    @Override
    public void onData(TcpConnection c, ByteBuffer data) {
        if (state == State.LAYERED) {
            layer.receive(data);
        } else if (state == State.SNIFFING) {
            sniff(data);
        } else {
            data.position(data.limit());
        }
    }
    // endregion wiring

    // region sniffing
    /**
     * A server's first bytes: a TLS record starts the layer with them; a plain HTTP request gets
     * the configured answer in plain text (nginx's 400), anything else nothing; both then close.
     */
    private void sniff(ByteBuffer data) {
        switch (opening.add(data)) {
            case NEED_MORE -> { }
            case TLS -> {
                startLayer();
                layer.receive(opening.take());
            }
            case PLAIN_HTTP -> refuse(TlsFailures.notTls(opening.gathered()), options.plainHttpAnswer());
            case UNKNOWN -> refuse(TlsFailures.notTls(opening.gathered()), null);
        }
    }

    private void refuse(Throwable why, ByteBuffer answer) {
        ended(why);
        if (answer != null) {
            connection.outgoing.write(answer.duplicate());   // before the close: it flushes first
        }
        connection.close();
    }
    // endregion sniffing

    // region writing
    @Override
    public void write(ByteBuffer data) {
        if (!writable()) {
            return;   // before TLS began (a server timing out a silent client) or after it ended,
                      // as a closed connection drops writes; the handler hears onClose
        }
        if (files.isEmpty()) {
            layer.write(data);
        } else {
            files.add(data);   // after the file still being read
        }
    }

    /** The region is read a piece at a time as the records leave: see {@link TlsFileFeed}. */
    @Override
    public void writeFile(FileChannel file, long position, long count) {
        if (!writable()) {
            IoErrors.closeQuietly(file);
            return;
        }
        files.add(file, position, count);
        feedFiles();
    }

    /** May the owner write: TLS runs, and neither close() nor shutdownOutput() was asked. */
    private boolean writable() {
        return layerOpen() && afterFiles == null;
    }

    private boolean layerOpen() {
        return layer != null && !closeAsked && layer.state() != TlsLayer.State.CLOSED;
    }

    /**
     * One budget of what waits behind a file, once the handshake is done and while the write half
     * is under its high watermark. The layer may be in the middle of a pump (a handler writing
     * from onData), which hands the records on only when it ends: so the next budget is read in
     * the next callback, or when the write half is writable again.
     */
    private void feedFiles() {
        if (!handshakeDone || files.isEmpty() || !layerOpen() || connection.outgoing.isBlocked() || feedQueued) {
            return;
        }
        try {
            files.feed(layer::write);
        } catch (IOException e) {
            connection.closeNow(new IOException("reading a file to send over TLS failed: " + IoErrors.reason(e), e));
            return;
        }
        if (files.isEmpty()) {
            settleDrainWaiters(null);
            if (afterFiles != null) {
                Runnable end = afterFiles;   // close() or shutdownOutput(), asked while a file was read
                afterFiles = null;
                end.run();
            }
        } else if (!connection.outgoing.isBlocked()) {
            feedQueued = true;
            loop.enqueue(() -> {
                feedQueued = false;
                feedFiles();
            });
        }
    }

    /**
     * As {@link OutgoingQueue#drained}, but during the handshake what was written waits in the
     * layer, and behind a file in the feed, not in the queue: those callers wait for them first.
     */
    Promise<Void> drained() {
        if (handshakeDone && files.isEmpty() || state == State.CLOSED) {
            return connection.outgoing.drained(!connection.isOpen());
        }
        if (drainWaiters == null) {
            drainWaiters = new DrainWaiters();
        }
        return drainWaiters.add(loop);
    }

    private void settleDrainWaiters(Throwable failure) {
        if (drainWaiters == null || failure == null && !files.isEmpty()) {
            return;
        }
        if (failure != null) {
            drainWaiters.settle(failure);
        } else {
            drainWaiters.follow(connection.outgoing.drained(!connection.isOpen()));   // now they wait in the queue
        }
    }
    // endregion writing

    // region ends
    // region close
    /**
     * {@code connection.close()}: true when it must wait, because close_notify goes first (once).
     * The layer may be mid-pump (a handler closing from {@code onData}): its close_notify is
     * queued when that pump ends, and the socket's close follows as this turn's next callback.
     */
    boolean close() {
        if (closeAsked || layer == null || layer.state() == TlsLayer.State.CLOSED) {
            return false;
        }
        if (!files.isEmpty()) {
            afterFiles = connection::close;   // the rest of the file goes before close_notify
            return true;
        }
        closeAsked = true;
        layer.close();
        loop.enqueue(connection::close);
        return true;
    }

    /** {@code connection.shutdownOutput()}: close_notify, and the layer goes on reading. */
    void shutdownOutput() {
        if (!files.isEmpty() && layerOpen()) {
            afterFiles = this::shutdownOutput;
        } else if (!closeAsked && layer != null && layer.state() != TlsLayer.State.CLOSED) {
            closeAsked = true;
            layer.close();
        }
    }
    // endregion close

    /** Whether close_notify has gone to the layer: only then may a half-close send its FIN. */
    boolean closeNotifyQueued() {
        return closeAsked || layer == null || layer.state() == TlsLayer.State.CLOSED;
    }

    @Override
    public void onEndOfStream(TcpConnection c) {
        if (state == State.LAYERED) {
            layer.receiveEndOfStream();   // judged by the layer: truncation unless close_notify came
        } else if (state == State.SNIFFING) {
            ended(new SSLHandshakeException("the connection closed before the TLS handshake began"));
            connection.close();
        }
    }

    @Override
    public void onWritabilityChanged(TcpConnection c, boolean writable) {
        if (writable) {
            feedFiles();
        }
        if (above != null) {
            above.onWritabilityChanged(c, writable);
        }
    }

    @Override
    public void onClose(TcpConnection c, Throwable socketCause) {
        // When TLS ended first, its reason is the one to hear (a truncation, an alert, a
        // timeout); when the socket closed under it, the socket's (null for our own abort()).
        Throwable reported = socketCause != null || state != State.CLOSED ? socketCause : cause;
        if (layer != null && layer.state() != TlsLayer.State.CLOSED) {
            layer.transportClosed(socketCause);   // a reset, a failed write, the loop closing
        }
        ended(socketCause);
        settleDrainWaiters(socketCause != null ? socketCause : new ClosedChannelException());
        if (above != null) {
            above.onClose(c, reported);
        }
    }

    /** TLS is over, for {@code why} (null: cleanly); the first reason is the one kept. */
    private void ended(Throwable why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cause = why;
        cancelTimer();
        files.clear();
        if (!handshakeDone && why != null) {
            options.onFailure().accept(why);
        }
    }

    private void handshakeTimedOut() {
        handshakeTimer = null;
        if (handshakeDone || state == State.CLOSED) {
            return;
        }
        timedOut = new TlsHandshakeTimeoutException("the TLS handshake did not finish within " + options.handshakeTimeout().toMillis() + " ms");
        if (layer == null) {
            ended(timedOut);
        }
        connection.close();   // abandons the handshake: user_canceled, then close_notify
    }

    private void cancelTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }
    // endregion ends

    @Override
    public String toString() {
        return "TlsWire[" + state + ", " + layer + "]";
    }
}

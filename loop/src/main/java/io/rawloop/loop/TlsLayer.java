package io.rawloop.loop;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS between a transport and whoever reads it: drives one {@link SSLEngine}, turning ciphertext
 * that arrives in any split into plaintext, and plaintext written into records.
 *
 * <h2>The seam</h2>
 * Nothing here knows sockets. Below, a transport calls {@link #receive(ByteBuffer)} with every
 * read, {@link #receiveEndOfStream()} for the peer's FIN and {@link #transportClosed(Throwable)}
 * when it closes by itself, and implements {@link TlsTransport}. Above, a {@link TlsHandler}
 * hears {@code onHandshake}, {@code onData}, {@code onPeerClosed}, {@code onClose} and calls
 * {@link #write(ByteBuffer)} and {@link #close()}: the shape of {@link ConnectionHandler} and
 * {@link TcpConnection}. On a {@code TcpConnection}:
 * <pre>
 *   TlsLayer tls = TlsLayer.start(TlsEngines.server(context),
 *           task -&gt; loop.offload(Executors.callable(task)),   // NEED_TASK runs off the loop...
 *           loop,                                              // ...and the layer resumes on it
 *           new TlsTransport() {
 *               public void write(ByteBuffer records) { connection.write(records); }
 *               public void close() { connection.close(); }
 *           }, handler);
 *   // the connection's ConnectionHandler: onData → tls.receive(data),
 *   // onEndOfStream → tls.receiveEndOfStream(), onClose → tls.transportClosed(cause)
 * </pre>
 * Timeouts are the transport's (a loop {@link Timer} that asks {@link #isHandshaking()} or
 * {@link #state()}), and so is backpressure: its watermarks count the records queued.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   HANDSHAKING ──handshake done──▶ OPEN ──close()──▶ CLOSE_SENT ──peer's close_notify, or EOF──┐
 *        │                           │ │                                                         ▼
 *        │                           │ └──peer's close_notify──▶ CLOSE_RECEIVED ──close()──▶ CLOSED
 *        │                           │                                                         ▲
 *        └─ close(), failure, EOF ───┴─ failure, EOF without close_notify (truncation) ────────┘
 * </pre>
 * While HANDSHAKING, writes wait and close() abandons the handshake. On the way to CLOSED the
 * last records go to {@link TlsTransport#write}, then {@link TlsTransport#close()} is called,
 * then {@link TlsHandler#onClose}. Everything runs on one thread (the loop's) but the engine's
 * delegated tasks (certificate checks, key agreement: milliseconds of CPU), which run on
 * {@code tasks} and come back through {@code resume}.
 *
 * <p>SIMPLIFICATION: three buffers of about 16 KiB each live as long as the layer; Netty borrows
 * them from a pool per read. Ciphertext that arrives while a delegated task runs is held however
 * large it grows, and its buffer stays grown; a transport that must bound it can pause reading
 * while {@link #isHandshaking()}.
 */
public final class TlsLayer {

    /** Where a layer is in its life; see the class comment. */
    public enum State { HANDSHAKING, OPEN, CLOSE_SENT, CLOSE_RECEIVED, CLOSED }

    private static final ByteBuffer[] NO_PLAINTEXT = {};

    private final SSLEngine engine;
    private final DelegatedTasks tasks;
    private final TlsBuffers buffers;
    private final TlsTransport transport;
    private final TlsHandler handler;
    private State state = State.HANDSHAKING;
    private TlsHandshake handshake;
    /** What {@link #write} was given, in order, not yet wrapped. */
    private final ArrayDeque<ByteBuffer> plaintextOut = new ArrayDeque<>();
    private boolean closeRequested;
    private boolean inputEnded;
    private boolean awaitingTasks;
    private boolean pumping;
    private boolean pumpAgain;

    private TlsLayer(SSLEngine engine, Executor tasks, Executor resume, TlsTransport transport, TlsHandler handler) {
        this.engine = engine;
        this.tasks = new DelegatedTasks(tasks, resume);
        this.buffers = new TlsBuffers(engine, transport);
        this.transport = transport;
        this.handler = handler;
    }

    /**
     * Starts the handshake on {@code engine} (from {@link TlsEngines}): a client's ClientHello is
     * handed to {@code transport} before this returns, a server waits for one.
     *
     * @param tasks  where the engine's delegated tasks run: the loop's offload pool
     * @param resume how the layer gets back to its thread after them: the loop itself
     */
    public static TlsLayer start(SSLEngine engine, Executor tasks, Executor resume,
                                 TlsTransport transport, TlsHandler handler) {
        TlsLayer layer = new TlsLayer(engine, tasks, resume, transport, handler);
        try {
            engine.beginHandshake();
            layer.pump();
        } catch (SSLException e) {
            layer.engineFailed(e);
        }
        return layer;
    }

    // region the transport's side
    /** Ciphertext arrived: any part of a record, or many records. Consumes all of it. */
    public void receive(ByteBuffer ciphertext) {
        while (ciphertext.hasRemaining() && state != State.CLOSED) {
            buffers.take(ciphertext);
            pump();
        }
        ciphertext.position(ciphertext.limit());   // after CLOSED, bytes are dropped
    }

    /** The peer shut down its output (FIN). Judged once the bytes before it are unwrapped. */
    public void receiveEndOfStream() {
        inputEnded = true;
        pump();
    }

    /** The transport closed by itself: a reset, a failed write, its loop closing. */
    public void transportClosed(Throwable cause) {
        if (state != State.CLOSED) {
            finish(cause != null || state == State.CLOSE_SENT ? cause : TlsFailures.endedIn(state), false);
        }
    }
    // endregion the transport's side

    // region the reader's side
    /**
     * Queues {@code plaintext} to be sent encrypted; the buffer belongs to the layer now. Held
     * while HANDSHAKING, then wrapped into records of at most 16 KiB (RFC 8446 §5.1). Dropped once
     * CLOSED: the handler has been or will be told through {@link TlsHandler#onClose}.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void write(ByteBuffer plaintext) {
        if (state == State.CLOSED) {
            return;
        }
        if (closeRequested) {
            throw new IllegalStateException("write after close() on a TLS layer in state " + state);
        }
        if (plaintext.hasRemaining()) {
            plaintextOut.add(plaintext);
            pump();
        }
    }

    /**
     * Closes our side: what was written goes first, then close_notify (RFC 8446 §6.1), and the
     * layer waits, still reading, for the peer's (state CLOSE_SENT). During the handshake, it
     * abandons it at once. Idempotent.
     */
    public void close() {
        if (state == State.CLOSED || closeRequested) {
            return;
        }
        closeRequested = true;
        if (state == State.HANDSHAKING && awaitingTasks) {
            finish(null, true);   // the engine is busy on another thread: leave it be
        } else {
            pump();
        }
    }

    /** Where the layer is in its life. */
    public State state() {
        return state;
    }

    /** True until the handshake finishes or the layer closes: what a handshake timeout checks. */
    public boolean isHandshaking() {
        return state == State.HANDSHAKING;
    }

    /** What the handshake agreed on, or null before it finished. */
    public TlsHandshake handshake() {
        return handshake;
    }
    // endregion the reader's side

    // region pump
    /**
     * Asks the engine what it needs and gives it that, until nothing can move: until more
     * ciphertext arrives, a delegated task comes back, or plaintext is written. Then hands what
     * was wrapped to the transport in one buffer. A call made while pumping (a handler writing
     * from {@code onData}) only asks for one more round.
     */
    private void pump() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                while (state != State.CLOSED && !awaitingTasks && step()) {
                    // each step made progress: look again
                }
                if (inputEnded && state != State.CLOSED && !awaitingTasks) {
                    endOfStream();
                }
            } while (pumpAgain && state != State.CLOSED);
            buffers.flush();
        } catch (SSLException e) {
            engineFailed(e);
        } finally {
            pumping = false;
        }
    }

    /** One move; false when nothing can move now. */
    private boolean step() throws SSLException {
        if (closeRequested && !engine.isOutboundDone()) {
            if (state == State.HANDSHAKING) {
                // Abandon it: the engine says user_canceled, then close_notify (RFC 8446 §6.1).
                engine.closeOutbound();
                buffers.wrapAlerts();
                finish(null, true);
                return false;
            }
            if (plaintextOut.isEmpty()) {
                engine.closeOutbound();   // the engine now wants to wrap close_notify
            }
        }
        HandshakeStatus status = engine.getHandshakeStatus();
        if (status == HandshakeStatus.NOT_HANDSHAKING && state == State.HANDSHAKING) {
            handshakeFinished();   // the result's FINISHED is not needed: this moment is the same
        }
        return switch (status) {
            case NEED_TASK -> runDelegatedTasks();
            case NEED_WRAP -> wrap(NO_PLAINTEXT);
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrap();
            // Not handshaking: records may hold data, alerts, or TLS 1.3's post-handshake
            // messages (NewSessionTicket, KeyUpdate; RFC 8446 §4.6); a KeyUpdate that asks for
            // ours makes the engine say NEED_WRAP next, which the next step does.
            case NOT_HANDSHAKING, FINISHED -> unwrap() | wrapPlaintext();   // FINISHED: only a result says it
        };
    }
    // endregion pump

    // region unwrap
    /** Unwraps the first record that has arrived, if it is whole. */
    private boolean unwrap() throws SSLException {
        if (engine.isInboundDone()) {
            buffers.discardIncoming();   // "data received after a closure alert ... MUST be ignored" (RFC 8446 §6.1)
            return false;
        }
        if (buffers.startsWithGarbage()) {
            finish(buffers.notTls(), true);   // no alert: the peer does not speak TLS
            return false;
        }
        HandshakeStatus before = engine.getHandshakeStatus();
        SSLEngineResult result = buffers.unwrap();
        if (result == null || result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            return false;   // wait for the rest of the record
        }
        buffers.deliver(data -> handler.onData(this, data));
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            inboundClosed();
        }
        return result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW   // grown: try again
                || result.bytesConsumed() > 0 || result.getHandshakeStatus() != before;
    }

    /** The peer's close_notify arrived. */
    private void inboundClosed() throws SSLException {
        switch (state) {
            case HANDSHAKING -> throw TlsFailures.closedDuringHandshake();
            case OPEN -> {
                state = State.CLOSE_RECEIVED;
                handler.onPeerClosed(this);
            }
            case CLOSE_SENT -> finish(null, true);
            case CLOSE_RECEIVED, CLOSED -> { }
        }
    }

    /** The peer's FIN, once every byte before it has been unwrapped. */
    private void endOfStream() {
        switch (state) {
            case HANDSHAKING, OPEN -> finish(TlsFailures.endedIn(state), true);
            case CLOSE_SENT -> finish(null, true);   // we asked to close; the peer hung up instead of answering
            case CLOSE_RECEIVED -> close();           // the peer is done both ways: say goodbye, then close
            case CLOSED -> { }
        }
    }
    // endregion unwrap

    // region wrap
    /** Wraps written plaintext, once the handshake is done. */
    private boolean wrapPlaintext() throws SSLException {
        if (plaintextOut.isEmpty() || state == State.HANDSHAKING) {
            return false;
        }
        if (engine.isOutboundDone()) {
            plaintextOut.clear();   // TLS 1.2 answered a close_notify: RFC 5246 §7.2.1 discards pending writes
            return false;
        }
        // A record holds at most 16 KiB: a few of the first buffers are all one wrap can take.
        ByteBuffer[] sources = plaintextOut.stream().limit(OutgoingQueue.MAX_GATHER).toArray(ByteBuffer[]::new);
        boolean progress = wrap(sources);
        while (!plaintextOut.isEmpty() && !plaintextOut.peek().hasRemaining()) {
            plaintextOut.poll();
        }
        return progress;
    }

    /** One wrap: a record of plaintext (at most 16 KiB), or of the handshake, or an alert. */
    private boolean wrap(ByteBuffer[] plaintext) throws SSLException {
        HandshakeStatus before = engine.getHandshakeStatus();
        SSLEngineResult result = buffers.wrap(plaintext);
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            return true;   // the records so far have left, or the buffer grew: try again
        }
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            outboundClosed();
        }
        return result.bytesProduced() > 0 || result.bytesConsumed() > 0 || result.getHandshakeStatus() != before;
    }

    /** Our close_notify is wrapped. */
    private void outboundClosed() {
        if (state == State.CLOSE_RECEIVED || engine.isInboundDone()) {
            finish(null, true);
        } else if (state == State.OPEN) {
            state = State.CLOSE_SENT;
        }
    }
    // endregion wrap

    /** Sends the engine's tasks off the loop; true if they are already done (direct executors). */
    private boolean runDelegatedTasks() {
        awaitingTasks = true;
        try {
            if (!tasks.start(engine, this::tasksDone)) {
                awaitingTasks = false;   // looping on NEED_TASK would spin
                finish(TlsFailures.tasks("could not start: the engine asked for a task and had none", null), true);
            }
        } catch (RejectedExecutionException e) {
            awaitingTasks = false;
            finish(TlsFailures.tasks("could not start: no thread for it", e), true);
        }
        return !awaitingTasks && state != State.CLOSED;
    }

    /** Back on the layer's thread: carry on where NEED_TASK stopped. */
    private void tasksDone(Throwable failure) {
        awaitingTasks = false;
        if (state == State.CLOSED) {
            return;
        }
        if (failure != null) {
            finish(TlsFailures.tasks("failed", failure), true);
            return;
        }
        pump();
    }

    private void handshakeFinished() {
        state = State.OPEN;
        String alpn = engine.getApplicationProtocol();
        handshake = new TlsHandshake(engine.getSession().getProtocol(), engine.getSession().getCipherSuite(),
                alpn == null ? "" : alpn);
        handler.onHandshake(this, handshake);
    }

    /** The engine refused something: it has an alert to send (RFC 8446 §6.2); send it, then close. */
    private void engineFailed(SSLException e) {
        if (state != State.CLOSED) {
            buffers.wrapAlerts();
            finish(TlsFailures.engine(e, state == State.HANDSHAKING), true);
        }
    }

    /** The one way to CLOSED. {@code closeTransport} is false when the transport closed first. */
    private void finish(Throwable cause, boolean closeTransport) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        plaintextOut.clear();
        buffers.discardIncoming();
        if (closeTransport) {
            buffers.flush();
            transport.close();
        }
        handler.onClose(this, cause);
    }

    @Override
    public String toString() {
        return "TlsLayer[" + state + (engine.getUseClientMode() ? ", client" : ", server") + "]";
    }
}

package io.rawloop.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLEngine;

/**
 * A TCP connection driven by the loop: reads reach a {@link ConnectionHandler}, writes go through
 * a queue bounded by watermarks.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   CONNECTING ──connected──▶ OPEN ──close() with writes pending──▶ CLOSING ──flushed──▶ CLOSED
 *       │                      │                                                  ▲
 *       └──refused, timed out──┴────────── error, abort(), close() when flushed ─┘
 * </pre>
 * Half-closes are orthogonal to the state: the peer's FIN is reported once through
 * {@link ConnectionHandler#onEndOfStream}, and {@link #shutdownOutput()} sends ours after the
 * pending writes. Once both directions are shut, the connection closes itself.
 *
 * <h2>Reading</h2>
 * Reading starts when a handler is set, and is on while: the handler has not paused it, the
 * outgoing queue is under the high watermark (backpressure), and the peer has not sent FIN. One
 * read per readiness into the loop's shared buffer: the selector is level-triggered, so what is
 * left is read on the next turn, and one busy connection cannot starve the others.
 *
 * <h2>Writing</h2>
 * {@link #write} only queues, in the write half ({@code OutgoingQueue}): everything written
 * during one turn leaves in one gathering write. When what the kernel refused reaches the high
 * watermark, reading pauses; once the queue is back under the low watermark, it resumes. Memory
 * held per connection is therefore at most the high watermark plus one write.
 *
 * <p>Coroutines read and write it as awaitable streams through {@link TcpStream}.
 */
public final class TcpConnection extends Selectable {

    /** Where a connection is in its life; see the class comment. */
    enum State { CONNECTING, OPEN, CLOSING, CLOSED }

    /** Default watermarks: 64 KiB high, 32 KiB low (see {@link #setWatermarks}). */
    public static final int DEFAULT_HIGH_WATERMARK = 64 * 1024;
    /** See {@link #DEFAULT_HIGH_WATERMARK}. */
    public static final int DEFAULT_LOW_WATERMARK = 32 * 1024;

    final SocketChannel channel;
    /** The write half: the bytes waiting, their watermarks, the flush of each turn. */
    final OutgoingQueue outgoing;
    /** TLS between the socket and the handler, once {@link #startTls} is called; else null. */
    private TlsWire tls;
    private State state;
    private ConnectionHandler handler;
    private boolean readingPausedByUser;
    private boolean inputEnded;
    private boolean outputShutdownRequested;
    private boolean outputShut;
    /** While CONNECTING: the attempt, with its promise and timeout. */
    ConnectAttempt connecting;
    private final SocketAddress remote;

    TcpConnection(EventLoop loop, SocketChannel channel, State state, SocketAddress remote) {
        super(loop);
        this.outgoing = new OutgoingQueue(this);
        this.channel = channel;
        this.state = state;
        this.remote = remote;
    }

    // region connect
    /**
     * Opens a connection to {@code address}. The promise fails with a {@link java.net.ConnectException}
     * (refused, unreachable) or a {@link java.net.SocketTimeoutException} after {@code timeout} on the
     * loop's clock; both name the address. Cancelling the promise abandons the attempt. Loop thread.
     */
    public static Promise<TcpConnection> connect(EventLoop loop, InetSocketAddress address, Duration timeout) {
        loop.checkInLoop("TcpConnection.connect");
        Objects.requireNonNull(address, "address");
        return ConnectAttempt.start(loop, address, timeout);
    }

    /** The attempt succeeded: reading may start. */
    void connected() {
        connecting = null;
        state = State.OPEN;
        interest(SelectionKey.OP_CONNECT, false);
        refreshReadInterest();
    }
    // endregion connect

    /** Sets who hears this connection's events, and starts reading. Loop thread. */
    public void setHandler(ConnectionHandler handler) {
        loop.checkInLoop("TcpConnection.setHandler");
        this.handler = tls == null ? Objects.requireNonNull(handler, "handler") : tls.above(handler);
        refreshReadInterest();
    }

    /** The handler, or null before one is set: for {@link TcpStream#of}. */
    ConnectionHandler handler() {
        return tls == null ? handler : tls.above();
    }

    /** TLS between socket and handler: the handler sees plaintext (see {@link TlsOptions}). Loop thread. */
    public void startTls(SSLEngine engine, TlsOptions options) {
        loop.checkInLoop("TcpConnection.startTls");
        handler = tls = TlsWire.start(this, engine, options, handler);
    }

    /** Sets the outgoing-queue watermarks: reading pauses at {@code high}, resumes at {@code low}. */
    public void setWatermarks(int low, int high) {
        outgoing.setWatermarks(low, high);
    }

    // region readiness
    @Override
    void onReady(int readyOps) {
        if ((readyOps & SelectionKey.OP_CONNECT) != 0 && connecting != null) {
            connecting.finish();
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && state != State.CLOSED) {
            outgoing.flush();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && state != State.CLOSED && isReading()) {
            readOnce();
        }
    }

    private void readOnce() {
        ByteBuffer buffer = loop.selector.readBuffer();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            closeNow(ioError("read from", e));
            return;
        }
        if (n > 0) {
            handler.onData(this, buffer.flip());
        } else if (n < 0) {
            inputEnded = true;
            refreshReadInterest();
            handler.onEndOfStream(this);   // always reported, even after our own half-close
            if (outputShut) {
                closeNow(null);            // both directions are shut: nothing is left to do
            }
        }
        // n == 0: a spurious wake-up; the selector will tell us again.
    }
    // endregion readiness

    // region writing
    /**
     * Queues {@code data} to be sent; the buffer now belongs to the connection (do not change
     * it). Sent in the next turn's gathering write. On a closed connection the bytes are dropped:
     * the handler has been or will be told through {@link ConnectionHandler#onClose}. Loop thread.
     *
     * @throws IllegalStateException after {@link #shutdownOutput()} or {@link #close()}
     */
    public void write(ByteBuffer data) {
        loop.checkInLoop("TcpConnection.write");
        if (mayWrite("write") && data.hasRemaining()) {
            (tls == null ? outgoing : tls).write(data);
        }
    }

    /** Like {@link #write}, but {@code data} stays the caller's: sent now, what is left copied. Loop thread. */
    public void writeBorrowed(ByteBuffer data) {
        loop.checkInLoop("TcpConnection.writeBorrowed");
        if (mayWrite("writeBorrowed") && data.hasRemaining()) {
            (tls == null ? outgoing : tls).writeBorrowed(data);   // TLS encrypts a copy: see ByteSink
        }
    }

    /**
     * Queues {@code count} bytes of {@code file} from {@code position}, sent with
     * {@code FileChannel.transferTo} (zero-copy: sendfile(2) on Linux). The channel now belongs
     * to the connection: it is closed once sent, or when the connection closes first. Loop thread.
     */
    public void writeFile(FileChannel file, long position, long count) {
        loop.checkInLoop("TcpConnection.writeFile");
        boolean accepted = false;
        try {
            accepted = mayWrite("writeFile") && count > 0;
        } finally {
            if (accepted) {
                (tls == null ? outgoing : tls).writeFile(file, position, count);
            } else {
                IoErrors.closeQuietly(file);
            }
        }
    }

    /** False on a closed connection (writes are dropped); throws once output is shut or closing. */
    private boolean mayWrite(String what) {
        if (state == State.CLOSED) {
            return false;
        }
        if (outputShutdownRequested || state == State.CLOSING) {
            throw new IllegalStateException(what + " after " + (state == State.CLOSING ? "close()" : "shutdownOutput()")
                    + " on connection to " + remote);
        }
        return true;
    }

    /**
     * A promise that completes when every byte queued so far has been handed to the kernel, and
     * fails if the connection closes first. Each call that must wait gets a promise of its own, so a
     * caller that cancels its promise (a timeout, say) leaves every other caller's untouched; when
     * nothing is pending, the answer is a promise already settled, which no caller can change.
     */
    public Promise<Void> drained() {
        loop.checkInLoop("TcpConnection.drained");
        return tls == null || state == State.CLOSED ? outgoing.drained(state == State.CLOSED) : tls.drained();
    }

    /** Bytes queued and not yet taken by the kernel. */
    public long pendingBytes() {
        return outgoing.bytes();
    }

    /** Bytes the kernel has taken so far: a writer that stops making progress shows here. */
    public long bytesWritten() {
        return outgoing.written();
    }

    /** False while pending bytes are above the high watermark (and reading is paused). */
    public boolean isWritable() {
        return !outgoing.isBlocked();
    }

    /** For the write half: may it write to the channel now? */
    boolean mayFlush() {
        return state != State.CLOSED && state != State.CONNECTING;
    }

    /** The write half emptied its queue: a pending close or half-close can go ahead. */
    void writesDrained() {
        if (state == State.CLOSING) {
            closeNow(null);
        } else if (outputShutdownRequested && !outputShut && (tls == null || tls.closeNotifyQueued())) {
            shutdownOutputNow();
        }
    }

    /** The write half crossed a watermark: reading pauses or resumes, and the handler hears. */
    void writabilityChanged() {
        refreshReadInterest();
        if (handler != null) {
            handler.onWritabilityChanged(this, !outgoing.isBlocked());
        }
    }
    // endregion writing

    // region reading control
    /** Stops reading until {@link #resumeReading()}; the peer's writes then back up to it. */
    public void pauseReading() {
        loop.checkInLoop("TcpConnection.pauseReading");
        readingPausedByUser = true;
        refreshReadInterest();
    }

    /** Undoes {@link #pauseReading()}. */
    public void resumeReading() {
        loop.checkInLoop("TcpConnection.resumeReading");
        readingPausedByUser = false;
        refreshReadInterest();
    }

    /** True while OP_READ is registered: handler set, not paused, not backpressured, no FIN yet. */
    public boolean isReading() {
        return handler != null && state == State.OPEN && !readingPausedByUser && !outgoing.isBlocked() && !inputEnded;
    }

    private void refreshReadInterest() {
        interest(SelectionKey.OP_READ, isReading());
    }
    // endregion reading control

    // region closing
    /**
     * Sends FIN once the pending writes are out; reading goes on (a half-close). When the peer
     * has already sent its FIN, the connection then closes.
     */
    public void shutdownOutput() {
        loop.checkInLoop("TcpConnection.shutdownOutput");
        if (outputShutdownRequested || state == State.CLOSED) {
            return;
        }
        outputShutdownRequested = true;
        if (tls != null) {
            tls.shutdownOutput();   // close_notify, then FIN; the socket closes on the peer's
        } else if (outgoing.isEmpty() && state == State.OPEN) {
            shutdownOutputNow();
        }
    }

    private void shutdownOutputNow() {
        try {
            channel.shutdownOutput();
            outputShut = true;
        } catch (IOException e) {
            closeNow(ioError("shutdown output to", e));
            return;
        }
        if (inputEnded) {
            closeNow(null);
        }
    }

    /** Closes cleanly: stops reading, sends what is pending, then closes. Idempotent. */
    public void close() {
        loop.checkInLoop("TcpConnection.close");
        if (tls != null && tls.close()) {
            return;   // close_notify goes first, then this close again; the peer's is not awaited
        }
        if (state == State.CLOSED || state == State.CLOSING) {
            return;
        }
        if (outgoing.isEmpty() || state == State.CONNECTING) {
            closeNow(null);
        } else {
            state = State.CLOSING;
            refreshReadInterest();
        }
    }

    /** Closes at once, dropping pending bytes, with an RST (SO_LINGER 0) instead of a FIN. */
    public void abort() {
        loop.checkInLoop("TcpConnection.abort");
        if (state != State.CLOSED) {
            Sockets.resetOnClose(channel);
            closeNow(null);
        }
    }

    @Override
    void closeBecauseLoopCloses() {
        closeNow(new ClosedChannelException());
    }

    /** The one way to CLOSED: close the channel, tell the handler through the ready queue. */
    void closeNow(Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (connecting != null) {
            connecting.cancelTimer();
        }
        outgoing.clear();
        IoErrors.closeQuietly(channel);
        if (key != null) {
            loop.selector.deregistered();
        }
        outgoing.settleDrainWaiters(cause != null ? cause : new ClosedChannelException());
        ConnectionHandler h = handler;
        if (h != null) {
            loop.enqueue(() -> h.onClose(this, cause));
        }
    }

    /** An I/O failure, worded with what we were doing and to whom. */
    IOException ioError(String action, IOException e) {
        return new IOException(action + " " + remote + " failed: " + IoErrors.reason(e), e);
    }

    /** True until the connection is closed (also while connecting and while closing). */
    public boolean isOpen() {
        return state != State.CLOSED;
    }
    // endregion closing

    /** The peer's address. */
    public SocketAddress remoteAddress() {
        return remote;
    }

    /** Our end's address, or null once closed. */
    public SocketAddress localAddress() {
        return Sockets.localAddress(channel);
    }

    /** The loop this connection lives on. */
    public EventLoop loop() {
        return loop;
    }

    @Override
    public String toString() {
        return "TcpConnection[" + state + ", " + remote + "]";
    }
}

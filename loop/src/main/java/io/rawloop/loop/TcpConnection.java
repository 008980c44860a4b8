package io.rawloop.loop;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;

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
 * {@link #write} only queues. The first write of a turn queues a flush for the next turn, so
 * everything written during one turn (say, the answers to a batch of pipelined requests) leaves
 * in one gathering write; a write that brings the queue to the high watermark flushes at once.
 * OP_WRITE is registered only while bytes are left over. When what the kernel refused reaches
 * the high watermark, reading pauses; once the queue is back under the low watermark, it
 * resumes. Memory held per connection is therefore at most the high watermark plus one write.
 */
public final class TcpConnection extends Selectable {

    /** Where a connection is in its life; see the class comment. */
    enum State { CONNECTING, OPEN, CLOSING, CLOSED }

    /** Default watermarks: 64 KiB high, 32 KiB low (see {@link #setWatermarks}). */
    public static final int DEFAULT_HIGH_WATERMARK = 64 * 1024;
    /** See {@link #DEFAULT_HIGH_WATERMARK}. */
    public static final int DEFAULT_LOW_WATERMARK = 32 * 1024;

    private final SocketChannel channel;
    private final OutgoingQueue outgoing;
    private final Runnable flushTask = () -> {
        flushQueued = false;
        flush();
    };
    private State state;
    private ConnectionHandler handler;
    private int highWatermark = DEFAULT_HIGH_WATERMARK;
    private int lowWatermark = DEFAULT_LOW_WATERMARK;
    private boolean readingPausedByUser;
    private boolean writeBlocked;
    private boolean inputEnded;
    private boolean outputShutdownRequested;
    private boolean outputShut;
    private boolean flushQueued;
    private long bytesWritten;
    private Promise<TcpConnection> connecting;
    private Timer connectTimer;
    /** The promises {@link #drained()} handed out, settled once the queue is empty (or closed). */
    private ArrayDeque<Promise<Void>> drainWaiters;
    private final SocketAddress remote;

    private TcpConnection(EventLoop loop, SocketChannel channel, State state, SocketAddress remote) {
        super(loop);
        this.outgoing = new OutgoingQueue(loop);
        this.channel = channel;
        this.state = state;
        this.remote = remote;
    }

    /** Wraps a channel the listener accepted; registers it with no interest yet. */
    static TcpConnection accepted(EventLoop loop, SocketChannel channel) throws IOException {
        configure(channel);
        TcpConnection c = new TcpConnection(loop, channel, State.OPEN, channel.getRemoteAddress());
        c.key = loop.selector.register(channel, 0, c);
        return c;
    }

    // region connect
    /**
     * Opens a connection to {@code address}. The promise fails with a {@link ConnectException}
     * (refused, unreachable) or a {@link SocketTimeoutException} after {@code timeout} on the
     * loop's clock; both name the address. Cancelling the promise abandons the attempt. Loop thread.
     */
    public static Promise<TcpConnection> connect(EventLoop loop, InetSocketAddress address, Duration timeout) {
        loop.checkInLoop("TcpConnection.connect");
        Objects.requireNonNull(address, "address");
        Promise<TcpConnection> promise = loop.newPromise();
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            promise.fail(e);
            return promise;
        }
        TcpConnection c = new TcpConnection(loop, channel, State.CONNECTING, address);
        c.connecting = promise;
        try {
            configure(channel);
            c.key = loop.selector.register(channel, SelectionKey.OP_CONNECT, c);
            if (channel.connect(address)) {
                c.finishConnect();
                return promise;
            }
        } catch (IOException | UnresolvedAddressException | UnsupportedOperationException e) {
            c.connectFailed(connectError(address, e));
            return promise;
        }
        c.connectTimer = loop.schedule(timeout, () -> c.connectFailed(new SocketTimeoutException(
                "connect to " + address + " timed out after " + timeout.toMillis() + " ms")));
        promise.onCancel(() -> c.closeNow(null));
        return promise;
    }

    private void finishConnect() {
        try {
            if (!channel.finishConnect()) {
                return;   // spurious readiness: still in progress
            }
        } catch (IOException e) {
            connectFailed(connectError(remote, e));
            return;
        }
        if (connectTimer != null) {
            connectTimer.cancel();
        }
        state = State.OPEN;
        interest(SelectionKey.OP_CONNECT, false);
        refreshReadInterest();
        Promise<TcpConnection> p = connecting;
        connecting = null;
        p.complete(this);
    }

    private void connectFailed(IOException cause) {
        Promise<TcpConnection> p = connecting;
        connecting = null;
        closeNow(cause);
        if (p != null) {
            p.fail(cause);
        }
    }

    private static IOException connectError(SocketAddress address, Throwable e) {
        ConnectException error = new ConnectException("connect to " + address + " failed: " + IoErrors.reason(e));
        error.initCause(e);
        return error;
    }
    // endregion connect

    /** Sets who hears this connection's events, and starts reading. Loop thread. */
    public void setHandler(ConnectionHandler handler) {
        loop.checkInLoop("TcpConnection.setHandler");
        this.handler = Objects.requireNonNull(handler, "handler");
        refreshReadInterest();
    }

    // region awaitable
    /**
     * The next bytes that arrive, as a promise of a fresh buffer; null at end of stream. For
     * coroutines: {@code await(connection.read())}. The first call makes the connection's handler
     * an internal one that holds data until read (pausing the peer beyond 64 KiB held), so a
     * connection is either read this way or through a {@link ConnectionHandler}, not both. One
     * read may be pending at a time. Loop thread.
     */
    public Promise<ByteBuffer> read() {
        loop.checkInLoop("TcpConnection.read");
        if (handler == null) {
            setHandler(new AwaitedReads());
        }
        if (!(handler instanceof AwaitedReads reads)) {
            throw new IllegalStateException("read() on " + this + ", which already has a ConnectionHandler:"
                    + " use one or the other");
        }
        return reads.read(this);
    }

    /**
     * Writes {@code data}, then returns a promise that completes once every queued byte has been
     * handed to the kernel: {@code await(connection.send(buffer))} is a write that waits when the
     * peer is slow. Loop thread.
     */
    public Promise<Void> send(ByteBuffer data) {
        write(data);
        return drained();
    }
    // endregion awaitable

    /** Sets the outgoing-queue watermarks: reading pauses at {@code high}, resumes at {@code low}. */
    public void setWatermarks(int low, int high) {
        if (low < 0 || high <= low) {
            throw new IllegalArgumentException("need 0 <= low < high, got low=" + low + " high=" + high);
        }
        this.lowWatermark = low;
        this.highWatermark = high;
        updateBackpressure();
    }

    // region readiness
    @Override
    void onReady(int readyOps) {
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            finishConnect();
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && state != State.CLOSED) {
            flush();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && state != State.CLOSED && readingWanted()) {
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
        if (state == State.CLOSED) {
            return;
        }
        if (outputShutdownRequested || state == State.CLOSING) {
            throw new IllegalStateException("write after " + (state == State.CLOSING ? "close()" : "shutdownOutput()")
                    + " on connection to " + remote);
        }
        if (!data.hasRemaining()) {
            return;
        }
        outgoing.add(data);
        if (outgoing.bytes() >= highWatermark) {
            // Do not wait for the next turn: the kernel may take it all now. Backpressure is
            // judged on what it refuses, never on bytes it was not yet offered.
            flush();
        } else {
            queueFlush();
        }
    }

    /**
     * Queues {@code count} bytes of {@code file} from {@code position}, sent with
     * {@code FileChannel.transferTo} (zero-copy: sendfile(2) on Linux). The channel now belongs
     * to the connection: it is closed once sent, or when the connection closes first. Loop thread.
     */
    public void writeFile(FileChannel file, long position, long count) {
        loop.checkInLoop("TcpConnection.writeFile");
        if (state == State.CLOSED) {
            IoErrors.closeQuietly(file);
            return;
        }
        if (outputShutdownRequested || state == State.CLOSING) {
            IoErrors.closeQuietly(file);
            throw new IllegalStateException("writeFile after " + (state == State.CLOSING ? "close()" : "shutdownOutput()")
                    + " on connection to " + remote);
        }
        if (count <= 0) {
            IoErrors.closeQuietly(file);
            return;
        }
        outgoing.add(file, position, count);
        queueFlush();
    }

    /** The first write of a turn queues one flush for the next turn; later writes join it. */
    private void queueFlush() {
        if (!flushQueued) {
            flushQueued = true;
            loop.enqueue(flushTask);
        }
    }

    /**
     * A promise that completes when every byte queued so far has been handed to the kernel, and
     * fails if the connection closes first. Each call gets a promise of its own, so a caller that
     * cancels its promise (a timeout, say) leaves every other caller's untouched.
     */
    public Promise<Void> drained() {
        loop.checkInLoop("TcpConnection.drained");
        if (outgoing.isEmpty() || state == State.CLOSED) {
            return Promise.succeeded(loop, null);
        }
        if (drainWaiters == null) {
            drainWaiters = new ArrayDeque<>(2);   // most connections never wait: made when needed
        }
        Promise<Void> waiter = loop.newPromise();
        drainWaiters.add(waiter);
        return waiter;
    }

    /** Settles every {@link #drained()} promise: with success, or with {@code failure}. */
    private void settleDrainWaiters(Throwable failure) {
        if (drainWaiters == null) {
            return;
        }
        Promise<Void> waiter;
        while ((waiter = drainWaiters.poll()) != null) {
            if (failure == null) {
                waiter.complete(null);   // false for one its caller cancelled: nothing to do
            } else {
                waiter.fail(failure);
            }
        }
    }

    /** Bytes queued and not yet taken by the kernel. */
    public long pendingBytes() {
        return outgoing.bytes();
    }

    /** Bytes the kernel has taken so far: a writer that stops making progress shows here. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** False while pending bytes are above the high watermark (and reading is paused). */
    public boolean isWritable() {
        return !writeBlocked;
    }

    private void flush() {
        if (state == State.CLOSED || state == State.CONNECTING) {
            return;
        }
        try {
            bytesWritten += outgoing.writeTo(channel);
        } catch (IOException e) {
            closeNow(ioError("write to", e));
            return;
        }
        boolean empty = outgoing.isEmpty();
        interest(SelectionKey.OP_WRITE, !empty);
        updateBackpressure();
        if (!empty) {
            return;
        }
        settleDrainWaiters(null);
        if (state == State.CLOSING) {
            closeNow(null);
        } else if (outputShutdownRequested && !outputShut) {
            shutdownOutputNow();
        }
    }

    private void updateBackpressure() {
        long pending = outgoing.bytes();
        if (!writeBlocked && pending >= highWatermark) {
            writeBlocked = true;
        } else if (writeBlocked && pending <= lowWatermark) {
            writeBlocked = false;
        } else {
            return;
        }
        refreshReadInterest();
        if (handler != null) {
            handler.onWritabilityChanged(this, !writeBlocked);
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
        return readingWanted();
    }

    private boolean readingWanted() {
        return handler != null && state == State.OPEN && !readingPausedByUser && !writeBlocked && !inputEnded;
    }

    private void refreshReadInterest() {
        interest(SelectionKey.OP_READ, readingWanted());
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
        if (outgoing.isEmpty() && state == State.OPEN) {
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
        if (state == State.CLOSED) {
            return;
        }
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException ignored) {
            // already broken: closing is all that is left
        }
        closeNow(null);
    }

    @Override
    void closeBecauseLoopCloses() {
        closeNow(new ClosedChannelException());
    }

    /** The one way to CLOSED: close the channel, tell the handler through the ready queue. */
    private void closeNow(Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (connectTimer != null) {
            connectTimer.cancel();
        }
        outgoing.clear();
        IoErrors.closeQuietly(channel);
        if (key != null) {
            loop.selector.deregistered();
        }
        settleDrainWaiters(cause != null ? cause : new ClosedChannelException());
        ConnectionHandler h = handler;
        if (h != null) {
            loop.enqueue(() -> h.onClose(this, cause));
        }
    }

    private IOException ioError(String action, IOException e) {
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
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** The loop this connection lives on. */
    public EventLoop loop() {
        return loop;
    }

    private static void configure(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        // Request/response protocols want each write on the wire now, not after Nagle's delay.
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    @Override
    public String toString() {
        return "TcpConnection[" + state + ", " + remote + "]";
    }
}

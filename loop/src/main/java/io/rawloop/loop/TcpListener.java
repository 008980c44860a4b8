package io.rawloop.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A listening TCP socket on the loop: accepts connections and hands each to a callback, which
 * sets its {@link ConnectionHandler}.
 *
 * <p>Accept failures do not spin. When {@code accept} fails (typically EMFILE: the process is
 * out of file descriptors), a level-triggered selector would report the listener ready again at
 * once, and the loop would burn a core retrying. So the listener stops watching for OP_ACCEPT
 * and tries again after a back-off that starts at 50 ms and doubles up to 1 s.
 */
public final class TcpListener extends Selectable {

    /**
     * How to listen.
     *
     * @param backlog   the kernel's queue of connections not yet accepted
     * @param reusePort SO_REUSEPORT: several sockets, typically one per loop, bind the same port
     *                  and the kernel spreads connections among them
     */
    public record Options(int backlog, boolean reusePort) {
        /** Backlog 1024, no SO_REUSEPORT. */
        public static final Options DEFAULT = new Options(1024, false);

        /** Validates. */
        public Options {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be at least 1, not " + backlog);
            }
        }
    }

    /** Connections accepted per readiness, so a flood of connects cannot monopolise a turn. */
    private static final int ACCEPTS_PER_TURN = 64;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final ServerSocketChannel channel;
    private final Consumer<TcpConnection> onAccept;
    private final InetSocketAddress localAddress;
    private Duration backoff = FIRST_BACKOFF;
    private Timer backoffTimer;
    private boolean paused;
    private boolean closed;
    /** Written by the loop only; volatile so that a stats page on another thread reads it whole. */
    private volatile long acceptFailures;
    private AcceptQueue acceptQueue;
    private AcceptLimit limit;

    private TcpListener(EventLoop loop, ServerSocketChannel channel, Consumer<TcpConnection> onAccept)
            throws IOException {
        super(loop);
        this.channel = channel;
        this.onAccept = onAccept;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Binds {@code address} for code that pulls connections with {@link #accept()}, as a
     * coroutine does: {@code TcpConnection c = await(listener.accept())}. Loop thread.
     */
    public static TcpListener bind(EventLoop loop, SocketAddress address, Options options) throws IOException {
        AcceptQueue queue = new AcceptQueue();
        TcpListener listener = bind(loop, address, options, queue);
        queue.listener = listener;
        listener.acceptQueue = queue;
        return listener;
    }

    /**
     * The next accepted connection; only for a listener bound without a callback. Connections
     * that nobody has taken yet wait in a queue; at {@value AcceptQueue#MAX_WAITING} the listener
     * stops accepting until they are taken. Loop thread.
     */
    public Promise<TcpConnection> accept() {
        loop.checkInLoop("TcpListener.accept");
        if (acceptQueue == null) {
            throw new IllegalStateException(this + " hands connections to its accept callback: accept() is for"
                    + " listeners bound without one");
        }
        return acceptQueue.take(loop);
    }

    /** Connections accepted and not yet taken by {@link #accept()}, and readers waiting for one. */
    private static final class AcceptQueue implements Consumer<TcpConnection> {
        static final int MAX_WAITING = 128;
        final ArrayDeque<TcpConnection> accepted = new ArrayDeque<>();
        final ArrayDeque<Promise<TcpConnection>> takers = new ArrayDeque<>();
        TcpListener listener;

        @Override
        public void accept(TcpConnection connection) {
            Promise<TcpConnection> taker;
            while ((taker = takers.poll()) != null) {
                if (taker.complete(connection)) {
                    return;
                }
            }
            accepted.add(connection);
            if (accepted.size() >= MAX_WAITING) {
                listener.pauseAccepting();
            }
        }

        Promise<TcpConnection> take(EventLoop loop) {
            TcpConnection ready = accepted.poll();
            if (ready != null) {
                if (accepted.size() == MAX_WAITING - 1) {
                    listener.resumeAccepting();
                }
                return Promise.succeeded(loop, ready);
            }
            if (listener.closed) {
                return Promise.failed(loop, new ClosedChannelException());
            }
            Promise<TcpConnection> taker = loop.newPromise();
            takers.add(taker);
            return taker;
        }

        void closed() {
            Promise<TcpConnection> taker;
            while ((taker = takers.poll()) != null) {
                taker.fail(new AsynchronousCloseException());
            }
            TcpConnection unclaimed;
            while ((unclaimed = accepted.poll()) != null) {
                unclaimed.close();
            }
        }
    }

    /**
     * Binds {@code address} (port 0: any free port) and accepts on {@code loop}. Loop thread.
     *
     * @throws IOException if the address cannot be bound; the message names it
     */
    public static TcpListener bind(EventLoop loop, SocketAddress address, Options options,
                                   Consumer<TcpConnection> onAccept) throws IOException {
        loop.checkInLoop("TcpListener.bind");
        Objects.requireNonNull(onAccept, "onAccept");
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (options.reusePort()) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.bind(address, options.backlog());
            TcpListener listener = new TcpListener(loop, channel, onAccept);
            listener.key = loop.selector.register(channel, SelectionKey.OP_ACCEPT, listener);
            return listener;
        } catch (IOException | UnsupportedOperationException e) {
            channel.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    // region accept
    @Override
    void onReady(int readyOps) {
        for (int i = 0; i < ACCEPTS_PER_TURN && !closed && !paused; i++) {
            if (limit != null && !limit.tryAcquire(this)) {
                pauseAccepting();   // at the cap: whoever frees a place resumes us
                return;
            }
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                releasePlace();
                backOff(e);
                return;
            }
            if (accepted == null) {
                releasePlace();
                return;   // the queue is empty (or another loop's listener took it)
            }
            backoff = FIRST_BACKOFF;
            TcpConnection connection;
            try {
                connection = wrap(accepted);
            } catch (IOException e) {
                releasePlace();
                IoErrors.closeQuietly(accepted);   // the peer went away between accept and setup
                continue;
            }
            onAccept.accept(connection);   // the place is the callback's now, until the connection closes
        }
    }

    /** An accepted channel becomes a connection, registered with no interest until it has a handler. */
    private TcpConnection wrap(SocketChannel accepted) throws IOException {
        Sockets.configure(accepted);
        TcpConnection c = new TcpConnection(loop, accepted, TcpConnection.State.OPEN, accepted.getRemoteAddress());
        c.key = loop.selector.register(accepted, 0, c);
        return c;
    }

    private void releasePlace() {
        if (limit != null) {
            limit.release();
        }
    }
    // endregion accept

    private void backOff(IOException cause) {
        acceptFailures++;
        // Back off first, log second: out of descriptors, logging may fail too (see Log).
        interest(SelectionKey.OP_ACCEPT, false);
        backoffTimer = loop.schedule(backoff, () -> {
            backoffTimer = null;
            if (!paused && !closed) {
                interest(SelectionKey.OP_ACCEPT, true);
            }
        });
        Log.warning("accept on " + localAddress + " failed (" + cause.getMessage() + "); retrying in "
                + backoff.toMillis() + " ms");
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    /**
     * Claims a place in {@code limit} before every accept from now on, and pauses when it is
     * full; see {@link AcceptLimit}. Loop thread.
     */
    public void limitWith(AcceptLimit limit) {
        loop.checkInLoop("TcpListener.limitWith");
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    /** Stops accepting (for example at a connection cap); the kernel keeps queueing up to the backlog. */
    public void pauseAccepting() {
        loop.checkInLoop("TcpListener.pauseAccepting");
        paused = true;
        interest(SelectionKey.OP_ACCEPT, false);
    }

    /** Undoes {@link #pauseAccepting()}. */
    public void resumeAccepting() {
        loop.checkInLoop("TcpListener.resumeAccepting");
        paused = false;
        if (backoffTimer == null) {
            interest(SelectionKey.OP_ACCEPT, true);
        }
    }

    /** How many accepts have failed (each one backed off). Any thread. */
    public long acceptFailures() {
        return acceptFailures;
    }

    /** The bound address, with the real port when bound to port 0. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The loop this listener accepts on. */
    public EventLoop loop() {
        return loop;
    }

    /** The bound port. */
    public int port() {
        return localAddress.getPort();
    }

    /** Stops listening; connections already accepted are not affected. Idempotent. Loop thread. */
    public void close() {
        loop.checkInLoop("TcpListener.close");
        closeChannel();
    }

    @Override
    void closeBecauseLoopCloses() {
        closeChannel();
    }

    private void closeChannel() {
        if (closed) {
            return;
        }
        closed = true;
        if (backoffTimer != null) {
            backoffTimer.cancel();
        }
        IoErrors.closeQuietly(channel);
        loop.selector.deregistered();
        if (acceptQueue != null) {
            acceptQueue.closed();
        }
    }


    @Override
    public String toString() {
        return "TcpListener[" + localAddress + (closed ? ", closed" : "") + "]";
    }
}

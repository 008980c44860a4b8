package io.rawloop.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * N event loops, each on its own thread: how one process uses every core while each loop stays
 * single-threaded. Default N: the number of available processors.
 *
 * <p>{@link #listenOnEach} binds one listener per loop to the same port with SO_REUSEPORT, so the
 * kernel spreads incoming connections among the loops and no connection ever changes thread.
 */
public final class EventLoopGroup implements AutoCloseable {

    private final List<EventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    /** One loop per available processor, started. */
    public EventLoopGroup() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** {@code size} loops named rawloop-1..N, each started on its own thread. */
    public EventLoopGroup(int size) {
        this(size, "rawloop");
    }

    /** {@code size} loops named {@code prefix-1..N}, each started on its own thread. */
    public EventLoopGroup(int size, String prefix) {
        this(size, prefix, Clock.system());
    }

    /** As above, with every loop's timers on {@code clock} (a {@link ManualClock} in tests). */
    public EventLoopGroup(int size, String prefix, Clock clock) {
        if (size < 1) {
            throw new IllegalArgumentException("an event loop group needs at least 1 loop, not " + size);
        }
        List<EventLoop> list = new ArrayList<>(size);
        for (int i = 1; i <= size; i++) {
            EventLoop loop = EventLoop.builder().name(prefix + "-" + i).clock(clock).build();
            loop.start();
            list.add(loop);
        }
        this.loops = List.copyOf(list);
    }

    /** The loops, in order. */
    public List<EventLoop> loops() {
        return loops;
    }

    /** The loops in turn: where to put the next piece of work. */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /**
     * Binds one listener per loop to {@code address} with SO_REUSEPORT; with port 0, the first
     * loop picks the port and the others join it. Blocks until every loop has bound. Any thread
     * but a loop's.
     *
     * @param onAccept called on the accepting loop's thread for each connection
     * @return the listeners, one per loop, in loop order
     */
    public List<TcpListener> listenOnEach(InetSocketAddress address, int backlog, Consumer<TcpConnection> onAccept)
            throws IOException {
        return listenOnEach(address, backlog, null, onAccept);
    }

    /**
     * As {@link #listenOnEach(InetSocketAddress, int, Consumer)}, with every listener under
     * {@code limit} (a cap shared by all the loops; null for none) from before its first accept.
     */
    public List<TcpListener> listenOnEach(InetSocketAddress address, int backlog, AcceptLimit limit,
                                          Consumer<TcpConnection> onAccept) throws IOException {
        TcpListener.Options options = new TcpListener.Options(backlog, true);
        List<TcpListener> listeners = new ArrayList<>();
        InetSocketAddress bindTo = address;
        for (EventLoop loop : loops) {
            InetSocketAddress target = bindTo;
            TcpListener listener = onLoop(loop, () -> {
                TcpListener bound = TcpListener.bind(loop, target, options, onAccept);
                if (limit != null) {
                    bound.limitWith(limit);   // in the same task: no accept can come before it
                }
                return bound;
            });
            listeners.add(listener);
            bindTo = new InetSocketAddress(address.getAddress(), listener.port());
        }
        return listeners;
    }

    private static <T> T onLoop(EventLoop loop, Callable<T> call) throws IOException {
        try {
            return loop.submit(call).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for event loop " + loop.name(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new CompletionException(e.getCause());
        }
    }

    /**
     * Runs an empty task on every loop: after a {@link ManualClock} moved, this makes each loop
     * look at its timers again (a loop blocked in select does not see a clock move by itself).
     */
    public void wakeAll() {
        loops.forEach(loop -> loop.execute(() -> { }));
    }

    /** Stops and closes every loop, closing their channels. */
    @Override
    public void close() {
        loops.forEach(EventLoop::close);
    }
}

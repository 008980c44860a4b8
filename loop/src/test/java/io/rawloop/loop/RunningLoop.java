package io.rawloop.loop;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** A loop started on its own thread, and a way for the test thread to run code on it and wait. */
final class RunningLoop implements AutoCloseable {

    final EventLoop loop;

    RunningLoop() {
        this(EventLoop.builder().name("test-loop").build());
    }

    RunningLoop(EventLoop loop) {
        this.loop = loop;
        loop.start();
    }

    /** Runs {@code call} on the loop thread and waits (at most 30 s) for its result. */
    <T> T call(Callable<T> call) throws Exception {
        return loop.submit(call).get(30, TimeUnit.SECONDS);
    }

    /** Waits (at most 30 s) for a promise made on the loop by {@code call}. */
    <T> T await(Callable<Promise<T>> call) throws Exception {
        return call(call).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * Listens on a loopback port 0; the first connection accepted gets a handler that ignores
     * what it reads, and completes {@code accepted}: the server side of a peer that writes nothing.
     */
    TcpListener listenQuietly(java.util.concurrent.CompletableFuture<TcpConnection> accepted) throws Exception {
        return call(() -> TcpListener.bind(loop, TcpEchoTest.ANY_LOOPBACK_PORT, TcpListener.Options.DEFAULT, c -> {
            c.setHandler((conn, data) -> { });
            accepted.complete(c);
        }));
    }

    @Override
    public void close() {
        loop.close();
    }
}

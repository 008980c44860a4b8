package io.rawloop.loop;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * Opening a TCP connection without blocking: {@code connect(2)} on a non-blocking socket, then
 * OP_CONNECT, then {@code finishConnect}, raced against a timeout on the loop's clock.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   started ──OP_CONNECT, finishConnect true──▶ connected (the promise gets the connection)
 *      │
 *      └──refused, unreachable, timed out, cancelled──▶ failed (the connection is closed)
 * </pre>
 * The attempt exists only while the connection is CONNECTING: an accepted connection never has
 * one, so its fields cost an idle server connection nothing.
 */
final class ConnectAttempt {

    private final TcpConnection connection;
    private final SocketChannel channel;
    private final SocketAddress address;
    private final Promise<TcpConnection> promise;
    private Timer timer;

    private ConnectAttempt(TcpConnection connection, SocketChannel channel, SocketAddress address,
                           Promise<TcpConnection> promise) {
        this.connection = connection;
        this.channel = channel;
        this.address = address;
        this.promise = promise;
    }

    /** {@link TcpConnection#connect}: see there for what the promise says. */
    static Promise<TcpConnection> start(EventLoop loop, InetSocketAddress address, Duration timeout) {
        Promise<TcpConnection> promise = loop.newPromise();
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            promise.fail(e);
            return promise;
        }
        TcpConnection c = new TcpConnection(loop, channel, TcpConnection.State.CONNECTING, address);
        ConnectAttempt attempt = new ConnectAttempt(c, channel, address, promise);
        c.connecting = attempt;
        try {
            Sockets.configure(channel);
            c.key = loop.selector.register(channel, SelectionKey.OP_CONNECT, c);
            if (channel.connect(address)) {
                attempt.finish();
                return promise;
            }
        } catch (IOException | UnresolvedAddressException | UnsupportedOperationException e) {
            attempt.fail(error(address, e));
            return promise;
        }
        attempt.timer = loop.schedule(timeout, () -> attempt.fail(new SocketTimeoutException(
                "connect to " + address + " timed out after " + timeout.toMillis() + " ms")));
        promise.onCancel(() -> attempt.fail(null));
        return promise;
    }

    /** OP_CONNECT fired (or connect succeeded at once): completes the connection, or fails. */
    void finish() {
        try {
            if (!channel.finishConnect()) {
                return;   // spurious readiness: still in progress
            }
        } catch (IOException e) {
            fail(error(address, e));
            return;
        }
        cancelTimer();
        connection.connected();
        promise.complete(connection);
    }

    /** Closes the connection and fails the promise; null when the caller cancelled it. */
    private void fail(IOException cause) {
        connection.closeNow(cause);
        if (cause != null) {
            promise.fail(cause);
        }
    }

    /** The connection closed (or connected) before the timeout: the timer has nothing to do. */
    void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private static IOException error(SocketAddress address, Throwable e) {
        ConnectException error = new ConnectException("connect to " + address + " failed: " + IoErrors.reason(e));
        error.initCause(e);
        return error;
    }
}

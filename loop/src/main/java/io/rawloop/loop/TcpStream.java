package io.rawloop.loop;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A {@link TcpConnection} seen as awaitable streams, for coroutines: asyncio's
 * {@code StreamReader} and {@code StreamWriter} in one. The connection itself speaks in callbacks
 * (asyncio's transport and protocol); this is the other style, on top of it.
 *
 * <pre>{@code
 * TcpStream stream = TcpStream.of(connection);
 * for (ByteBuffer data; (data = await(stream.read())) != null; ) {
 *     await(stream.send(data));
 * }
 * }</pre>
 *
 * A connection is read either this way or through a {@link ConnectionHandler}, not both: the
 * stream's handler holds what arrives until it is read, and pauses the peer beyond 64 KiB held,
 * so that a slow coroutine backs the peer up into its kernel buffers rather than into our heap.
 * Loop thread, like the connection.
 */
public final class TcpStream {

    private final TcpConnection connection;
    private final AwaitedReads reads;

    private TcpStream(TcpConnection connection, AwaitedReads reads) {
        this.connection = connection;
        this.reads = reads;
    }

    /**
     * The streams of {@code connection}; the first call starts reading it into the stream.
     *
     * @throws IllegalStateException if the connection already has a {@link ConnectionHandler}
     */
    public static TcpStream of(TcpConnection connection) {
        connection.loop().checkInLoop("TcpStream.of");
        ConnectionHandler handler = connection.handler();
        if (handler == null) {
            handler = new AwaitedReads();
            connection.setHandler(handler);
        }
        if (!(handler instanceof AwaitedReads reads)) {
            throw new IllegalStateException("TcpStream.of(" + connection + "), which already has a ConnectionHandler:"
                    + " use one or the other");
        }
        return new TcpStream(connection, reads);
    }

    /**
     * The next bytes that arrive, as a promise of a fresh buffer; null at end of stream. One
     * read may be pending at a time: {@code await(stream.read())}.
     */
    public Promise<ByteBuffer> read() {
        connection.loop().checkInLoop("TcpStream.read");
        return reads.read(connection);
    }

    /**
     * Writes {@code data}, then returns a promise that completes once every queued byte has been
     * handed to the kernel: {@code await(stream.send(buffer))} is a write that waits when the
     * peer is slow.
     */
    public Promise<Void> send(ByteBuffer data) {
        connection.write(Objects.requireNonNull(data, "data"));
        return connection.drained();
    }

    /** The connection underneath: for half-closes, addresses, watermarks and close. */
    public TcpConnection connection() {
        return connection;
    }
}

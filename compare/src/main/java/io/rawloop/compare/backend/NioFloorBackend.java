package io.rawloop.compare.backend;

import io.rawloop.loop.IoErrors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The floor: what the JDK's NIO costs with nothing on top, for the other back-ends to be measured
 * against. One selector thread, plain {@code java.nio}, two buffers for all connections.
 *
 * <p><b>This is not an HTTP server.</b> It parses nothing: it counts the blank lines
 * ({@code \r\n\r\n}) it reads, and answers each with the bytes of {@code /hello}'s response,
 * exactly as the other back-ends send it, whatever was asked. So it is only comparable on
 * {@code /hello}, and {@code bench} runs it on nothing else. What it does do, it does as a real
 * server must: the answers to one read leave in one write; when the peer does not read them, it
 * keeps them owed, waits for the socket to be writable and stops reading meanwhile (so a client
 * that stops reading cannot make it buffer without bound, nor spin); end of stream and errors
 * close the connection. Nothing is allocated per request: the response's bytes are remade once a
 * second, for its {@code Date}.
 */
final class NioFloorBackend implements Backend.Running {

    private static final int READ_BUFFER = 16 * 1024;
    private static final int WRITE_BUFFER = 64 * 1024;

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Thread thread;
    // One pair for every connection: the selector thread handles one at a time, and what a
    // connection cannot send yet is remembered as a count, not as bytes (see Connection).
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER);
    private final ByteBuffer out = ByteBuffer.allocateDirect(WRITE_BUFFER);
    private final Hello hello = new Hello();
    /** Made once: a method reference made at each select would be an allocation per wake-up. */
    private final Consumer<SelectionKey> onReady = this::ready;
    private volatile boolean stopping;

    /** Times the selector returned; a client that stops reading must not make it climb. For tests. */
    volatile long wakeups;
    /** Released each time a connection has to wait for its peer to read. For tests to wait on. */
    final Semaphore stalls = new Semaphore(0);

    private NioFloorBackend(Selector selector, ServerSocketChannel listener) {
        this.selector = selector;
        this.listener = listener;
        this.thread = Thread.ofPlatform().name("nio-floor").daemon().unstarted(this::run);
    }

    static NioFloorBackend start(InetSocketAddress address) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.bind(address, 1024);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            IoErrors.closeQuietly(listener);
            IoErrors.closeQuietly(selector);
            throw e;
        }
        NioFloorBackend backend = new NioFloorBackend(selector, listener);
        backend.thread.start();
        return backend;
    }

    /**
     * One connection: where its search for a blank line stands, and the answers it owes. An
     * answer cut short by a full socket is finished with the bytes it was begun with (the next
     * second's would have another Date); the whole ones after it take the current bytes.
     */
    private static final class Connection {
        final SocketChannel channel;
        final BlankLines blankLines = new BlankLines();
        /** Answers not yet written in full, the begun one included. */
        long owed;
        /** The answer partly written, or null. */
        byte[] begun;
        /** How much of {@link #begun} is written. */
        int begunWritten;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private void run() {
        try {
            while (!stopping) {
                selector.select(onReady);
                wakeups++;   // only this thread writes it
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("nio-floor: the selector failed: " + IoErrors.reason(e));
        } finally {
            for (SelectionKey key : selector.keys()) {
                IoErrors.closeQuietly(key.channel());
            }
            IoErrors.closeQuietly(selector);
        }
    }

    private void ready(SelectionKey key) {
        try {
            if (!key.isValid()) {
                return;   // closed while this select was under way
            }
            if (key.isAcceptable()) {
                accept();
            } else if (key.isReadable()) {
                read(key);
            } else if (key.isWritable() && write((Connection) key.attachment())) {
                key.interestOps(SelectionKey.OP_READ);   // all sent: read again
            }
        } catch (IOException e) {
            IoErrors.closeQuietly(key.channel());   // reset, broken pipe: nothing to answer
        }
    }

    private void accept() throws IOException {
        for (SocketChannel c; (c = listener.accept()) != null; ) {
            try {
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.register(selector, SelectionKey.OP_READ, new Connection(c));
            } catch (IOException e) {
                IoErrors.closeQuietly(c);
            }
        }
    }

    // region read
    private void read(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        in.clear();
        if (c.channel.read(in) < 0) {
            c.channel.close();   // end of stream; nothing is owed, as nothing is read while anything is
            return;
        }
        c.owed += c.blankLines.count(in.flip());
        if (c.owed > 0 && !write(c)) {
            key.interestOps(SelectionKey.OP_WRITE);   // and not OP_READ: read no more until the peer reads
            stalls.release();
        }
    }
    // endregion read

    // region write
    /** Writes what {@code c} owes, as much as the socket takes; true if all of it went. */
    private boolean write(Connection c) throws IOException {
        while (c.owed > 0) {
            byte[] current = hello.bytes();
            out.clear();
            int begunLeft = 0;
            if (c.begun != null) {
                begunLeft = c.begun.length - c.begunWritten;
                out.put(c.begun, c.begunWritten, begunLeft);
            }
            long whole = Math.min(c.owed - (c.begun != null ? 1 : 0), out.remaining() / current.length);
            for (long i = 0; i < whole; i++) {
                out.put(current);
            }
            int batch = out.flip().remaining();
            int written = c.channel.write(out);
            if (c.begun != null) {
                if (written < begunLeft) {
                    c.begunWritten += written;
                    return false;
                }
                c.begun = null;
                c.owed--;
                written -= begunLeft;
            }
            c.owed -= written / current.length;
            if (written % current.length != 0) {
                c.begun = current;
                c.begunWritten = written % current.length;
            }
            if (written + begunLeft < batch) {
                return false;   // the socket is full
            }
        }
        return true;
    }
    // endregion write

    /** {@code /hello}'s response, remade when the second changes (its Date), and only then. */
    private static final class Hello {
        private long second = Long.MIN_VALUE;
        private byte[] bytes;

        byte[] bytes() {
            long now = System.currentTimeMillis() / 1000;
            if (now != second) {
                ByteBuffer b = Endpoints.encode(Endpoints.HELLO_ANSWER);
                bytes = new byte[b.remaining()];
                b.get(bytes);
                second = now;
            }
            return bytes;
        }
    }

    @Override
    public int port() {
        return listener.socket().getLocalPort();
    }

    @Override
    public Optional<Thread> loopThread() {
        return Optional.of(thread);
    }

    @Override
    public void close() {
        stopping = true;
        selector.wakeup();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

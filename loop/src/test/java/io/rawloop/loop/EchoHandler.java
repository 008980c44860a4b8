package io.rawloop.loop;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/** Writes back every byte it reads; remembers how each connection ended. */
class EchoHandler implements ConnectionHandler {

    final ConcurrentLinkedQueue<Throwable> closeCauses = new ConcurrentLinkedQueue<>();
    final CountDownLatch closed;
    volatile int endOfStreams;

    EchoHandler(int expectedCloses) {
        this.closed = new CountDownLatch(expectedCloses);
    }

    @Override
    public void onData(TcpConnection connection, ByteBuffer data) {
        // The loop's read buffer is reused by the next read: copy before queueing.
        connection.write(ByteBuffer.allocate(data.remaining()).put(data).flip());
    }

    @Override
    public void onEndOfStream(TcpConnection connection) {
        endOfStreams++;
        connection.close();
    }

    @Override
    public void onClose(TcpConnection connection, Throwable cause) {
        if (cause != null) {
            closeCauses.add(cause);
        }
        closed.countDown();
    }
}

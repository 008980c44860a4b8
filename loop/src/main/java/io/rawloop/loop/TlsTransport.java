package io.rawloop.loop;

import java.nio.ByteBuffer;

/**
 * What a {@link TlsLayer} needs from the connection beneath it: somewhere to put ciphertext, and a
 * way to end. A {@link TcpConnection} can be one in two lines ({@code write} and {@code close} are
 * its own); the tests use a queue.
 *
 * <p>Called on the layer's thread, from inside the layer's methods.
 */
public interface TlsTransport {

    /**
     * Queues {@code records}, one or more whole TLS records, to be sent in order. The buffer is
     * the transport's now: the layer never touches it again.
     */
    void write(ByteBuffer records);

    /**
     * The layer is finished with the connection: send what is queued, then close. Called at most
     * once, after the last {@link #write}; never when the transport reported its own close
     * through {@link TlsLayer#transportClosed}.
     */
    void close();
}

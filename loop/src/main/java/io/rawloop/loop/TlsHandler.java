package io.rawloop.loop;

import java.nio.ByteBuffer;

/**
 * What a {@link TlsLayer} tells whoever reads through it (HTTP code, later): the same shape as
 * {@link ConnectionHandler}, with plaintext where that has bytes, so that code above cannot tell
 * whether its bytes were encrypted.
 *
 * <p>Order of events: at most one {@link #onHandshake}; after it any number of {@link #onData};
 * at most one {@link #onPeerClosed}; exactly one {@link #onClose}, last. They are called from
 * inside the layer's methods, on the layer's thread. A call back into the layer from a handler
 * (a {@code write} from {@code onData}, say) is carried out once the handler returns, never
 * re-entrantly. An exception a handler throws propagates out of the layer's method that called
 * it, to the transport's caller (the loop, which logs it).
 */
public interface TlsHandler {

    /** The handshake finished: from now on, plaintext flows both ways. */
    default void onHandshake(TlsLayer layer, TlsHandshake handshake) {
    }

    /**
     * Plaintext arrived. {@code data} is the layer's own buffer, valid during this call only: use
     * or copy it before returning, as with {@link ConnectionHandler#onData}.
     */
    void onData(TlsLayer layer, ByteBuffer data);

    /**
     * The peer sent close_notify: nothing more will arrive. In TLS 1.3 our side may go on
     * writing (RFC 8446 §6.1: a close_notify closes only its sender's write side); in TLS 1.2 the
     * engine answers with its own close_notify at once, as RFC 5246 §7.2.1 demands, and the layer
     * closes. The default closes our side too, which is what request/response protocols want.
     */
    default void onPeerClosed(TlsLayer layer) {
        layer.close();
    }

    /**
     * The layer is closed; called exactly once.
     *
     * @param cause null for a clean close (close_notify sent, and received or no longer awaited);
     *              a {@link TlsTruncationException} when the transport ended without the peer's
     *              close_notify; else an {@link javax.net.ssl.SSLException} whose message says
     *              what failed, or the transport's own error
     */
    default void onClose(TlsLayer layer, Throwable cause) {
    }
}

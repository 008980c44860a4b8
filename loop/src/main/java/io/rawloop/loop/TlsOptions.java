package io.rawloop.loop;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link TcpConnection} runs TLS once {@link TcpConnection#startTls} is called: the engine
 * (from {@link TlsEngines}) is given there, the rest here.
 * <pre>{@code
 * connection.startTls(TlsEngines.server(context), TlsOptions.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(5)));
 * connection.setHandler(handler);   // reads and writes plaintext, as without TLS
 * }</pre>
 *
 * @param handshakeTimeout the handshake must finish within this, on the loop's clock, or the
 *                         connection closes with a {@link TlsHandshakeTimeoutException}
 * @param plainHttpAnswer  a server's answer, sent in plain text before it closes, to a client whose
 *                         first bytes are a plain HTTP request ({@link TlsRecords.Opening#PLAIN_HTTP});
 *                         null closes without a word, as for any other bytes that are not TLS
 * @param onHandshake      told each handshake that finishes (for figures), on the loop thread
 * @param onFailure        told each connection whose TLS ended before its handshake finished, with why
 */
public record TlsOptions(Duration handshakeTimeout, ByteBuffer plainHttpAnswer, Consumer<TlsHandshake> onHandshake,
                         Consumer<Throwable> onFailure) {

    /** 10 s to shake hands, nothing said to plain HTTP, nobody told. */
    public static final TlsOptions DEFAULT = new TlsOptions(Duration.ofSeconds(10), null, handshake -> { },
            failure -> { });

    /** Validates: a positive timeout, listeners present; keeps a read-only view of the answer. */
    public TlsOptions {
        if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, not " + handshakeTimeout);
        }
        plainHttpAnswer = plainHttpAnswer == null ? null : plainHttpAnswer.asReadOnlyBuffer();
        Objects.requireNonNull(onHandshake, "onHandshake");
        Objects.requireNonNull(onFailure, "onFailure");
    }

    /** The same, with another handshake timeout. */
    public TlsOptions withHandshakeTimeout(Duration value) {
        return new TlsOptions(value, plainHttpAnswer, onHandshake, onFailure);
    }

    /** The same, answering a plain HTTP request with {@code answer} (null: nothing). */
    public TlsOptions withPlainHttpAnswer(ByteBuffer answer) {
        return new TlsOptions(handshakeTimeout, answer, onHandshake, onFailure);
    }

    /** The same, with listeners for finished handshakes and for failures before one finished. */
    public TlsOptions withListeners(Consumer<TlsHandshake> handshakes, Consumer<Throwable> failures) {
        return new TlsOptions(handshakeTimeout, plainHttpAnswer, handshakes, failures);
    }
}

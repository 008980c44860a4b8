package io.rawloop.loop;

/**
 * What a finished TLS handshake agreed on, as {@link TlsHandler#onHandshake} reports it.
 *
 * @param protocol            {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite         the suite's standard name, such as {@code TLS_AES_256_GCM_SHA384}
 * @param applicationProtocol the protocol chosen by ALPN (RFC 7301), {@code http/1.1} here; empty
 *                            when the peer offered none
 */
public record TlsHandshake(String protocol, String cipherSuite, String applicationProtocol) {
}

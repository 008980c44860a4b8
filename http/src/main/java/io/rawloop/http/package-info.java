/**
 * HTTP/1.1 on the wire, on {@link java.nio.ByteBuffer}s: no sockets, no threads, so every rule
 * can be tested byte by byte.
 *
 * <h2>Where to start reading</h2>
 * <ol>
 *   <li>{@link io.rawloop.http.RequestParser}: the API, an event per step, any split of input;</li>
 *   <li>{@code MessageReader}: the machine both parsers share (head, body, complete);</li>
 *   <li>{@code HeadScanner}: bare CR and bare LF refused as the bytes pass, limits too;</li>
 *   <li>{@code FieldParser} and {@code Framing}: the header rules and the body-length rules
 *       (RFC 9112 §6), where request smuggling is prevented;</li>
 *   <li>{@code BodyReader} and {@code ChunkExtension}: Content-Length, chunked, close-delimited;</li>
 *   <li>{@link io.rawloop.http.HttpWriter}: the other direction.</li>
 * </ol>
 *
 * <p>Strict by default: where RFC 9112 lets a recipient guess (bare LF, obs-fold, whitespace
 * before a colon), we refuse, because two parsers that guess differently are how a request is
 * smuggled past one of them.
 */
package io.rawloop.http;

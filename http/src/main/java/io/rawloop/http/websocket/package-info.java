/**
 * WebSocket (RFC 6455) on the wire, on {@link java.nio.ByteBuffer}s like the HTTP parsers: no
 * sockets, no threads, every rule testable byte by byte.
 *
 * <ol>
 *   <li>{@link io.rawloop.http.websocket.FrameParser}: bytes to frames, an enum state machine;</li>
 *   <li>{@link io.rawloop.http.websocket.MessageDecoder}: frames to messages, fragmentation,
 *       control frames between fragments, UTF-8 checked as it arrives, close codes;</li>
 *   <li>{@link io.rawloop.http.websocket.FrameWriter}: the other direction, masked or not;</li>
 *   <li>{@link io.rawloop.http.websocket.Handshake}: Sec-WebSocket-Key and -Accept.</li>
 * </ol>
 * No extension is implemented: permessage-deflate is declined in the handshake, so every
 * reserved bit is an error.
 */
package io.rawloop.http.websocket;

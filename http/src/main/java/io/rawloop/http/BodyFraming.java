package io.rawloop.http;

/** How a message's body is delimited (RFC 9112 §6.3). */
public enum BodyFraming {
    /** No body at all (a GET without Content-Length, a 204, a response to HEAD). */
    NONE,
    /** Exactly Content-Length bytes. */
    LENGTH,
    /** Chunked transfer coding, ended by the last chunk and the trailer section. */
    CHUNKED,
    /** Everything until the connection closes (responses only). */
    CLOSE
}

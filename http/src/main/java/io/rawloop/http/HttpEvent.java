package io.rawloop.http;

/**
 * What one call to a parser's {@code parse} produced. A message is HEAD, any number of BODY, then
 * COMPLETE; the next call after COMPLETE starts the next (pipelined) message.
 */
public enum HttpEvent {
    /** Every byte given was consumed and the parser needs more. */
    NEED_MORE,
    /** The head is complete: {@code head()} holds it. */
    HEAD,
    /** A piece of body: {@code body()} is a slice of the input, valid until the input changes. */
    BODY,
    /** The message is complete: {@code trailers()} holds the trailer fields, if any. */
    COMPLETE
}

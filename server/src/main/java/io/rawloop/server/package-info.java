/**
 * The HTTP/1.1 server on rawloop's event loops.
 *
 * <h2>Where to start reading</h2>
 * <ol>
 *   <li>{@link io.rawloop.server.HttpServer}: loops, listeners, connection accounting, shutdown;</li>
 *   <li>{@code ServerConnection}: one connection's state machine, pipelining in order, timeouts,
 *       rejections, closing in stages;</li>
 *   <li>{@link io.rawloop.server.Handler} and {@link io.rawloop.server.Router}: answering, in
 *       promise or coroutine style;</li>
 *   <li>{@code io.rawloop.server.demo}: the demo application and its command line.</li>
 * </ol>
 */
package io.rawloop.server;

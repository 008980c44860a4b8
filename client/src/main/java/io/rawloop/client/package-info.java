/**
 * rawloop's HTTP/1.1 client, on the loop: {@link io.rawloop.client.HttpClient} (promises, a
 * keep-alive pool, timeouts on loop timers), and the {@code rawloop-client.jar} command lines
 * ({@code fetch}, {@code raw}) in {@code io.rawloop.client.cli}.
 *
 * <p>Reading order: {@link io.rawloop.client.HttpClient}, then {@code Call} (one request's life:
 * retries, redirects, total timeout), {@code HostPool} (connections per host), {@code
 * ClientConnection} (one connection: writes requests, parses responses), {@code Exchange} (one
 * request and its response).
 */
package io.rawloop.client;

/**
 * The demo application ({@code rawloop-server.jar}): each endpoint shows one thing an event loop
 * does (timers, streaming, a coroutine that fetches, CPU work on and off the loop).
 */
package io.rawloop.server.demo;

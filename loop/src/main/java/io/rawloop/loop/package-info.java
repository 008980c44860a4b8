/**
 * rawloop's event loop: one thread, one {@link java.nio.channels.Selector}, a queue of ready
 * callbacks and a heap of timers; the shape of Python's asyncio, in Java.
 *
 * <h2>The design in one paragraph</h2>
 * A server that gives each connection a thread spends its memory on stacks and its time on
 * context switches, and most of those threads are only waiting. An event loop waits for all
 * connections at once: the kernel's readiness API ({@code epoll} on Linux, behind
 * {@link java.nio.channels.Selector}) says which sockets can be read or written without
 * blocking, and one thread runs a short callback for each. The price is that no callback may
 * block, or everyone waits: blocking work goes to {@link io.rawloop.loop.EventLoop#offload}.
 *
 * <h2>Where to start reading</h2>
 * <ol>
 *   <li>{@link io.rawloop.loop.EventLoop#runOnce}: the five phases of one iteration;</li>
 *   <li>{@link io.rawloop.loop.Timer} and {@code TimerQueue}: time, and a manual clock for tests;</li>
 *   <li>{@link io.rawloop.loop.EventLoop#execute}: the one door in from other threads;</li>
 *   <li>{@link io.rawloop.loop.Promise}: values that arrive later;</li>
 *   <li>{@link io.rawloop.loop.TcpListener} and {@link io.rawloop.loop.TcpConnection}: sockets,
 *       backpressure, half-close.</li>
 * </ol>
 *
 * <h2>Rules that hold everywhere</h2>
 * <ul>
 *   <li>Callbacks run only in phase 5 of {@code runOnce}, never inside the call that causes them.</li>
 *   <li>Everything is loop-confined except {@code execute}, {@code stop} and the
 *       {@code ...FromAnyThread} bridges.</li>
 *   <li>An exception thrown by a callback is logged with its stack; the loop goes on.</li>
 * </ul>
 */
package io.rawloop.loop;

/**
 * JMH micro-benchmarks of the loop: timers, {@code execute}, loopback echo, coroutine spawn and
 * await, debug mode off and on. Every class forks its JVMs with the same flags (the export coroutines need), so numbers
 * compare. Run them with {@code java -jar compare/target/rawloop-compare.jar jmh ...}.
 */
package io.rawloop.compare.jmh;

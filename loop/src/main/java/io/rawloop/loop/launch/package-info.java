/**
 * The launcher every runnable jar starts with: compiled for Java 8, it names the Java that
 * rawloop needs when started on an older one, and hands over to the real main class on Java 25.
 */
package io.rawloop.loop.launch;

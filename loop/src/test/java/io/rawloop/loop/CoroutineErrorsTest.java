package io.rawloop.loop;

import static io.rawloop.loop.Coroutine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The mistakes a user can make with coroutines, and the messages that tell them what to do. */
class CoroutineErrorsTest {

    private final EventLoop loop = EventLoop.builder().name("errors-loop").clock(new ManualClock()).build();

    @AfterEach
    void close() {
        loop.close();
    }

    private Throwable failureOf(Promise<?> task) {
        loop.runUntilIdle();
        assertTrue(task.isDone(), "the task ended");
        return task.failureNow();
    }

    @Test
    void awaitFromAPlainThreadSaysCoroutinesRunOnTheLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> await(loop.newPromise()));
        assertEquals("Coroutine.await() called from thread '" + Thread.currentThread().getName()
                + "', which runs no event loop: coroutines run on their loop's thread (start one with loop.spawn(...));"
                + " a plain thread can block on promise.toCompletableFuture().get()", e.getMessage());
    }

    @Test
    void awaitInACallbackOnTheLoopThreadSaysToSpawn() {
        Throwable[] thrown = new Throwable[1];
        loop.callSoon(() -> {
            try {
                Coroutine.sleep(Duration.ofMillis(1));
            } catch (IllegalStateException e) {
                thrown[0] = e;
            }
        });
        loop.runUntilIdle();
        assertEquals("Coroutine.sleep() called outside a coroutine, on the thread of event loop errors-loop:"
                + " only code started with loop.spawn(...) can suspend; a callback can use promise.onComplete(...) instead",
                thrown[0].getMessage());
    }

    @Test
    void awaitInsideSynchronizedIsRefusedEvenOnceTheCodeIsJitCompiled() {
        // Continuation.isPinned stops seeing monitors in compiled frames: run the same path
        // often enough for the JIT to compile it, and require a refusal every single time.
        Object lock = new Object();
        int rounds = 20_000;
        int refused = 0;
        for (int i = 0; i < rounds; i++) {
            Promise<Object> task = loop.spawn(() -> awaitWhileHolding(lock, loop.newPromise()));
            loop.runUntilIdle();
            if (task.failureNow() instanceof IllegalStateException e
                    && e.getMessage().startsWith("a coroutine cannot suspend inside a synchronized block")) {
                refused++;
            }
        }
        assertEquals(rounds, refused);
    }

    private static Object awaitWhileHolding(Object lock, Promise<Object> promise) throws Exception {
        synchronized (lock) {
            return await(promise);
        }
    }

    @Test
    void awaitInsideSynchronizedIsRefusedBeforeItCanDeadlock() {
        Object lock = new Object();
        Promise<Object> task = loop.spawn(() -> {
            synchronized (lock) {
                return await(loop.newPromise());
            }
        });
        Throwable e = failureOf(task);
        assertInstanceOf(IllegalStateException.class, e);
        assertTrue(e.getMessage().startsWith("a coroutine cannot suspend inside a synchronized block or method"),
                e.getMessage());
        assertTrue(e.getMessage().contains("move the await out of it"), e.getMessage());
    }

    @Test
    void awaitInACriticalSectionIsRefusedWithTheReason() {
        Promise<Object> task = loop.spawn(() -> {
            Continuation.pin();
            try {
                Coroutine.sleep(Duration.ofMillis(1));
                return null;
            } finally {
                Continuation.unpin();
            }
        });
        Throwable e = failureOf(task);
        assertInstanceOf(IllegalStateException.class, e);
        assertTrue(e.getMessage().startsWith("a coroutine cannot suspend inside a JDK critical section"), e.getMessage());
        assertEquals(0, loop.stats().pendingTimers(), "the refused sleep left no timer behind");
    }

    @Test
    void awaitingAnotherLoopsPromiseSaysHowToBridge() {
        EventLoop other = EventLoop.builder().name("other-loop").build();
        try {
            Promise<Object> task = loop.spawn(() -> await(other.newPromise()));
            Throwable e = failureOf(task);
            assertInstanceOf(IllegalArgumentException.class, e);
            assertEquals("await() of a promise of event loop other-loop from a coroutine on event loop errors-loop:"
                    + " bridge it with Promise.fromCompletionStage(loop, promise.toCompletableFuture())", e.getMessage());
        } finally {
            other.close();
        }
    }

    @Test
    @Timeout(60)
    void aJvmWithoutTheExportFlagIsToldWhichFlagAndWhere() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                NoExportChild.class.getName()).redirectErrorStream(true).start();
        String output;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            output = out.lines().reduce("", (a, b) -> a + b + "\n");
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(output.startsWith("IllegalStateException: coroutines need the JVM option"
                + " --add-exports java.base/jdk.internal.vm=ALL-UNNAMED"), output);
        assertTrue(output.contains("Add-Exports: java.base/jdk.internal.vm"), output);
        assertTrue(output.contains("non-coroutine work still runs: ok"), output);
    }
}

package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real signals, sent with kill(1) to a real child JVM. */
class SignalTest {

    @Test
    @Timeout(60)
    void handlersRunOnTheLoopThreadAndTermEndsTheProcessWithStatusZero() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SignalChild.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        // A read of the child's output cannot be interrupted by @Timeout: past the deadline the
        // child is killed, and the read ends (with null) instead of hanging the build.
        CompletableFuture.delayedExecutor(60, TimeUnit.SECONDS).execute(child::destroyForcibly);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assumeFalse(first != null && first.startsWith("IGNORED"),
                    "this test runs where SIGHUP is ignored (under nohup): " + first);
            assertEquals("READY on child-loop", first);
            kill("HUP", child);
            assertEquals("HUP on child-loop", out.readLine());
            kill("USR2", child);
            assertEquals("USR2 on child-loop", out.readLine());
            kill("HUP", child);
            assertEquals("HUP on child-loop", out.readLine(), "a hook fires on every delivery");
            kill("TERM", child);
            assertEquals("TERM on child-loop", out.readLine());
            assertEquals("EXITING", out.readLine());
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), "TERM handled by the loop: a normal exit");
        } finally {
            child.destroyForcibly();
        }
    }

    private static void kill(String signal, Process target) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(target.pid()))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertEquals(0, kill.waitFor(), "kill -s " + signal);
    }

    @Test
    void unknownAndReservedSignalsAreRefusedWithTheReason() {
        EventLoop loop = EventLoop.create();
        try {
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> loop.onSignal("FOO", () -> { }));
            assertEquals("unknown signal 'FOO': use one of INT, TERM, HUP, USR1, USR2", unknown.getMessage());
            IllegalArgumentException quit = assertThrows(IllegalArgumentException.class,
                    () -> loop.onSignal("SIGQUIT", () -> { }));
            assertTrue(quit.getMessage().startsWith("signal SIGQUIT cannot be handled: the JVM uses it to print a thread dump"),
                    quit.getMessage());
            IllegalArgumentException kill = assertThrows(IllegalArgumentException.class,
                    () -> loop.onSignal("kill", () -> { }));
            assertTrue(kill.getMessage().contains("cannot be caught"), kill.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.onSignal(" ", () -> { }));
        } finally {
            loop.close();
        }
    }

    @Test
    void signalNamesMayHaveTheSigPrefixAndAnyCase() {
        assertEquals(List.of("TERM", "TERM", "HUP", "USR2"),
                List.of(Signals.normalize("TERM"), Signals.normalize("sigterm"), Signals.normalize(" hup "),
                        Signals.normalize("SIGUSR2")));
    }
}

package io.rawloop.loop;

/**
 * The child process of {@link SignalTest}: a loop with TERM, HUP and USR2 hooks that report, on
 * standard output, which thread each handler ran on. TERM stops the loop, and main returns.
 */
public final class SignalChild {

    private SignalChild() {
    }

    /** Runs the loop until SIGTERM. */
    public static void main(String[] args) throws Exception {
        EventLoop loop = EventLoop.builder().name("child-loop").build();
        for (String signal : new String[] {"HUP", "USR2"}) {
            try {
                loop.onSignal(signal, () -> report(signal));
            } catch (IllegalStateException ignoredByTheProcess) {
                System.out.println("IGNORED " + signal);   // nohup: the test cannot send it
                System.out.flush();
                System.exit(3);
            }
        }
        loop.onSignal("SIGTERM", () -> {
            report("TERM");
            loop.stop();
        });
        loop.execute(() -> report("READY"));
        loop.start().join();   // the loop thread is named child-loop; main just waits for it
        loop.close();
        System.out.println("EXITING");
        System.out.flush();
    }

    private static void report(String what) {
        System.out.println(what + " on " + Thread.currentThread().getName());
        System.out.flush();
    }
}

package io.rawloop.loop;

/** Run by {@link CoroutineErrorsTest} in a JVM without the export flag. */
public final class NoExportChild {

    private NoExportChild() {
    }

    /** Tries to spawn, prints what it was told, then shows the rest of the loop still works. */
    public static void main(String[] args) {
        EventLoop loop = EventLoop.create();
        try {
            loop.spawn(() -> "never");
            System.out.println("spawn succeeded without the flag?");
        } catch (IllegalStateException e) {
            System.out.println("IllegalStateException: " + e.getMessage());
        }
        Promise<String> plain = loop.newPromise();
        loop.callSoon(() -> plain.complete("ok"));
        System.out.println("non-coroutine work still runs: " + loop.runUntilComplete(plain));
        loop.close();
    }
}

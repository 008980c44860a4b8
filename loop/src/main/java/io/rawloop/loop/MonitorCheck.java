package io.rawloop.loop;

import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Does the running coroutine hold a monitor in one of its own frames? A development-time check
 * behind {@link Coroutine#await}: on JDK 25 a continuation yields while holding a monitor, and the
 * loop thread can then deadlock on it (see {@link Coroutine}, Traps).
 *
 * <p>Why it is not free, and off in production. The JDK has no cheap, reliable answer:
 * {@code Continuation.isPinned} misses monitors once the code is JIT-compiled (measured on
 * 25.0.3: it said "not pinned" for 100,000 of 100,000 warmed-up coroutines inside
 * {@code synchronized}) and reports NATIVE for 1 to 4% of unpinned calls. The exact answer, the
 * thread's locked monitors from {@code ThreadMXBean}, costs about 80 µs: some 400 coroutines'
 * worth. So the check runs when Java assertions are enabled for rawloop ({@code -ea}, as under
 * Maven's surefire), or when {@code -Drawloop.checkMonitors=true} says so.
 *
 * <p>And why it is affordable then: which monitors a coroutine's frames hold depends only on
 * where each frame is (its method and bytecode index). So a stack shape found clean once is
 * remembered, and later awaits on the same path cost one stack walk (about 1-4 µs).
 */
final class MonitorCheck {

    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("rawloop.checkMonitors",
            Boolean.toString(MonitorCheck.class.desiredAssertionStatus())));

    private static final String CONTINUATION = "jdk.internal.vm.Continuation";
    private static final int MAX_REMEMBERED = 10_000;
    private static final Set<List<String>> CLEAN_SHAPES = ConcurrentHashMap.newKeySet();
    private static final StackWalker WALKER = StackWalker.getInstance();

    private MonitorCheck() {
    }

    /** True if a frame of the running coroutine holds a monitor; always false when disabled. */
    static boolean coroutineHoldsMonitor() {
        if (!ENABLED) {
            return false;
        }
        List<String> shape = WALKER.walk(frames -> frames
                .takeWhile(f -> !(CONTINUATION.equals(f.getClassName()) && "run".equals(f.getMethodName())))
                .map(f -> f.getClassName() + '#' + f.getMethodName() + '@' + f.getByteCodeIndex())
                .toList());
        if (CLEAN_SHAPES.contains(shape)) {
            return false;
        }
        boolean holds = exactCheck();
        if (!holds) {
            if (CLEAN_SHAPES.size() >= MAX_REMEMBERED) {
                CLEAN_SHAPES.clear();
            }
            CLEAN_SHAPES.add(shape);
        }
        return holds;
    }

    /** The thread's locked monitors, kept if they were taken above Continuation.run. */
    private static boolean exactCheck() {
        ThreadInfo info = ManagementFactory.getThreadMXBean()
                .getThreadInfo(new long[] {Thread.currentThread().threadId()}, true, false)[0];
        StackTraceElement[] stack = info.getStackTrace();
        int coroutineFrames = stack.length;
        for (int i = 0; i < stack.length; i++) {
            if (CONTINUATION.equals(stack[i].getClassName()) && "run".equals(stack[i].getMethodName())) {
                coroutineFrames = i;
                break;
            }
        }
        for (MonitorInfo monitor : info.getLockedMonitors()) {
            int depth = monitor.getLockedStackDepth();
            if (depth >= 0 && depth < coroutineFrames) {
                return true;
            }
        }
        return false;
    }
}

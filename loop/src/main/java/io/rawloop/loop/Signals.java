package io.rawloop.loop;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

/**
 * Process signals delivered to event loops: Java's counterpart of asyncio's wake-up fd.
 *
 * <p>The JVM runs a {@code sun.misc.Signal} handler on its own "Signal Dispatcher" thread. Ours
 * does one thing there: {@link EventLoop#execute} the user's handler, which then runs on the
 * loop thread like any other callback. One JVM handler per signal serves every hook of every
 * loop; when the last hook of a signal is closed, the JVM's previous handler is put back.
 *
 * <p>Why reflection: javac reports every use of {@code sun.misc.Signal} with an "internal
 * proprietary API" warning that {@code @SuppressWarnings} cannot silence (checked on javac 25),
 * and main code compiles with warnings as errors. The class is exported by the
 * {@code jdk.unsupported} module, so reflective access needs no command-line flag.
 */
final class Signals {

    /** The signals a program may want to catch and that the JVM leaves to us. */
    private static final Set<String> SUPPORTED = Set.of("INT", "TERM", "HUP", "USR1", "USR2");
    /** Signals the JVM keeps, or that cannot be caught at all, with why. */
    private static final Map<String, String> RESERVED = Map.of(
            "QUIT", "the JVM uses it to print a thread dump",
            "KILL", "it cannot be caught by any process",
            "STOP", "it cannot be caught by any process",
            "SEGV", "the JVM uses it internally",
            "BUS", "the JVM uses it internally",
            "FPE", "the JVM uses it internally",
            "ILL", "the JVM uses it internally",
            "PIPE", "the JVM ignores it so that writes to closed sockets fail with an exception");

    private static final Map<String, Installed> INSTALLED = new HashMap<>();

    private Signals() {
    }

    /** One user handler on one loop; closing it uninstalls it. */
    static final class Hook implements AutoCloseable {
        final String signal;
        final EventLoop loop;
        final Runnable handler;

        Hook(String signal, EventLoop loop, Runnable handler) {
            this.signal = signal;
            this.loop = loop;
            this.handler = handler;
        }

        @Override
        public void close() {
            uninstall(this);
        }

        @Override
        public String toString() {
            return "signal hook SIG" + signal + " on " + loop.name();
        }
    }

    /** The JVM-level handler of one signal, and the hooks it dispatches to. */
    private record Installed(Object signal, Object previousHandler, List<Hook> hooks) {
    }

    static Hook install(String name, EventLoop loop, Runnable handler) {
        String signal = normalize(name);
        Hook hook = new Hook(signal, loop, handler);
        synchronized (INSTALLED) {
            Installed installed = INSTALLED.get(signal);
            if (installed == null) {
                List<Hook> hooks = new CopyOnWriteArrayList<>();
                Object jvmSignal = Jvm.newSignal(signal);
                Object previous = Jvm.handle(jvmSignal, Jvm.handler(() -> dispatch(hooks)));
                if (previous == Jvm.IGNORED) {
                    // The JVM keeps a signal the process started with ignored (nohup ignores HUP; a
                    // shell's background job ignores INT) and installs nothing: a hook would never run.
                    throw new IllegalStateException("SIG" + signal + " is ignored by this process (started with nohup,"
                            + " or as a background job of a shell), and the JVM leaves it ignored: its handler"
                            + " would never run");
                }
                installed = new Installed(jvmSignal, previous, hooks);
                INSTALLED.put(signal, installed);
            }
            installed.hooks().add(hook);
        }
        return hook;
    }

    private static void uninstall(Hook hook) {
        synchronized (INSTALLED) {
            Installed installed = INSTALLED.get(hook.signal);
            if (installed != null && installed.hooks().remove(hook) && installed.hooks().isEmpty()) {
                Jvm.handle(installed.signal(), installed.previousHandler());
                INSTALLED.remove(hook.signal);
            }
        }
    }

    // region dispatch
    /** On the JVM's signal thread: hand each hook to its loop, nothing more. */
    private static void dispatch(List<Hook> hooks) {
        for (Hook hook : hooks) {
            try {
                hook.loop.execute(hook.handler);
            } catch (RejectedExecutionException closed) {
                // That loop has closed; its hooks are being removed.
            }
        }
    }
    // endregion dispatch

    /** "sigterm", "SIGTERM" and "TERM" all mean TERM; anything else is refused with a reason. */
    static String normalize(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a signal name is required, one of " + supportedList());
        }
        String upper = name.strip().toUpperCase(Locale.ROOT);
        String signal = upper.startsWith("SIG") ? upper.substring(3) : upper;
        if (RESERVED.containsKey(signal)) {
            throw new IllegalArgumentException("signal " + name + " cannot be handled: " + RESERVED.get(signal)
                    + "; use one of " + supportedList());
        }
        if (!SUPPORTED.contains(signal)) {
            throw new IllegalArgumentException("unknown signal '" + name + "': use one of " + supportedList());
        }
        return signal;
    }

    private static String supportedList() {
        return "INT, TERM, HUP, USR1, USR2";
    }

    /** The three reflective calls into sun.misc; see the class comment for why. */
    private static final class Jvm {
        private static final Class<?> SIGNAL;
        private static final Class<?> HANDLER;
        private static final Method HANDLE;
        /** SignalHandler.SIG_IGN: what handle() returns for a signal the process ignores. */
        static final Object IGNORED;

        static {
            try {
                SIGNAL = Class.forName("sun.misc.Signal");
                HANDLER = Class.forName("sun.misc.SignalHandler");
                HANDLE = SIGNAL.getMethod("handle", SIGNAL, HANDLER);
                IGNORED = HANDLER.getField("SIG_IGN").get(null);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(
                        "this JVM has no sun.misc.Signal (module jdk.unsupported): signal hooks cannot work: " + e);
            }
        }

        static Object newSignal(String name) {
            try {
                return SIGNAL.getConstructor(String.class).newInstance(name);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("the JVM refuses signal " + name + ": " + rootMessage(e), e);
            }
        }

        static Object handle(Object signal, Object handler) {
            try {
                return HANDLE.invoke(null, signal, handler);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("the JVM refuses a handler for " + signal + ": " + rootMessage(e), e);
            }
        }

        /** A sun.misc.SignalHandler whose handle(Signal) runs {@code action}. */
        static Object handler(Runnable action) {
            return Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {HANDLER},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "rawloop signal handler";
                    });
        }

        private static String rootMessage(Throwable t) {
            while (t.getCause() != null) {
                t = t.getCause();
            }
            return t.getMessage();
        }
    }
}

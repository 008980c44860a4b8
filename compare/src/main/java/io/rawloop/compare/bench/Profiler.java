package io.rawloop.compare.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import one.profiler.AsyncProfiler;

/**
 * async-profiler for {@code bench --profile}, both halves. The bench's JVM takes the native
 * library out of async-profiler's Maven Central jar (which ships it for Linux x64 and arm64) and
 * starts each back-end's JVM with it as an agent, loaded but not profiling; the back-end's
 * {@link ControlPort} then starts it when the measured window opens and stops it, writing an HTML
 * flame graph, when it closes, so that start-up and warm-up are not in the graph.
 *
 * <p>CPU samples come from {@code perf_events} ({@code event=cpu}) where the kernel allows it
 * ({@code kernel.perf_event_paranoid}, and seccomp in containers, may not): otherwise from
 * {@code setitimer} ({@code event=itimer}), which samples the same CPU time less precisely and
 * sees no kernel frames. The answer to {@code profile-start} says which, and why.
 */
final class Profiler {

    /** The system property that tells a back-end's JVM where the library is. */
    static final String LIBRARY = "rawloop.profiler.library";
    /** A sample per millisecond of CPU: a few thousand samples in a few seconds' window. */
    static final String INTERVAL = "1ms";

    private Profiler() {
    }

    /** The library, taken out to a file; or why there is none for this platform. */
    record Library(Path path, String unavailable) {
        /** The flags a back-end's JVM needs to load it at start-up, idle. */
        List<String> jvmFlags() {
            // System.load of a native library is a restricted method since JDK 24: allowed
            // explicitly, or the JVM warns on stderr.
            return List.of("-agentpath:" + path, "--enable-native-access=ALL-UNNAMED", "-D" + LIBRARY + "=" + path);
        }
    }

    /** Takes the library for this OS and CPU out of async-profiler's jar, into a temporary file. */
    static Library extract() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        String platform = !os.contains("linux") ? null
                : arch.equals("amd64") || arch.equals("x86_64") ? "linux-x64"
                : arch.equals("aarch64") ? "linux-arm64" : null;
        if (platform == null) {
            return new Library(null, "async-profiler's jar has no library for " + os + " on " + arch);
        }
        String resource = "/" + platform + "/libasyncProfiler.so";
        try (InputStream in = AsyncProfiler.class.getResourceAsStream(resource)) {
            if (in == null) {
                return new Library(null, "no " + resource + " on the class path (is tools.profiler:async-profiler there?)");
            }
            Path file = Files.createTempFile("libasyncProfiler-", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return new Library(file, null);
        } catch (IOException e) {
            return new Library(null, "cannot take out " + resource + ": " + e.getMessage());
        }
    }

    /** {@code kernel.perf_event_paranoid}, or null where there is no such file. */
    static String perfEventParanoid() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/perf_event_paranoid")).strip();
        } catch (IOException e) {
            return null;
        }
    }

    // The back-end's half, called by its ControlPort.

    /** Starts profiling CPU; says with which event, and why not {@code cpu} if not. */
    static String start() throws IOException {
        AsyncProfiler profiler = instance();
        try {
            profiler.execute("start,event=cpu,interval=" + INTERVAL);
            return "cpu";
        } catch (IllegalStateException | IOException e) {
            profiler.execute("start,event=itimer,interval=" + INTERVAL);
            String paranoid = perfEventParanoid();
            return "itimer (perf_events not permitted: " + e.getMessage()
                    + (paranoid == null ? "" : "; kernel.perf_event_paranoid is " + paranoid) + ")";
        }
    }

    /** Stops profiling and writes the flame graph to {@code file} (HTML: its name ends in .html). */
    static void stop(Path file) throws IOException {
        if (file.toAbsolutePath().toString().contains(",")) {
            throw new IllegalArgumentException("async-profiler's options are comma-separated: no comma in " + file);
        }
        instance().execute("stop,file=" + file.toAbsolutePath());
    }

    private static AsyncProfiler instance() {
        String library = System.getProperty(LIBRARY);
        if (library == null) {
            throw new IllegalStateException("this JVM was not started to profile (bench --profile starts it so)");
        }
        return AsyncProfiler.getInstance(library);
    }
}

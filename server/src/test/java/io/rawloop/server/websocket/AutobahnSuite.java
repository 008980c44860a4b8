package io.rawloop.server.websocket;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Autobahn|Testsuite's {@code wstest} as a child process, on Jython: the suite's Python comes
 * in its Maven plugin's jar, and both jars are copied from Maven's repository by the build
 * (maven-dependency-plugin, into {@code target/autobahn-jars}). It runs one or more {@link Run}s
 * side by side (one JVM start-up, the slow part): the fuzzing client, which judges our server,
 * and the fuzzing server, which judges our client when it connects. The child runs on the JVM
 * that runs us, the JDK 25 of the build; its output goes to {@code wstest.log}.
 *
 * <p>{@code wstest-run.py} (a resource beside this class) starts the modes; it keeps every
 * listener on loopback and can lengthen the cases' watchdog, {@code killAfter} (see the script).
 */
final class AutobahnSuite implements AutoCloseable {

    /** The name our client gives the fuzzing server, and our server's in the fuzzing client's report. */
    static final String AGENT = "rawloop";

    /** One mode of wstest, its spec (JSON), and the directory its report goes to. */
    record Run(String mode, String spec, Path reports) {

        /** The verdicts in the report the suite wrote ({@code index.json}). */
        AutobahnVerdicts verdicts() throws IOException {
            Path index = reports.resolve("index.json");
            if (!Files.exists(index)) {
                throw new IllegalStateException("wstest (" + mode + ") wrote no report in " + reports);
            }
            return AutobahnVerdicts.read(index);
        }
    }

    private final Process process;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> clientDone = new CompletableFuture<>();
    private final Path log;

    private AutobahnSuite(Path jars, Path dir, double killAfterScale, List<Run> runs) throws IOException {
        for (Run run : runs) {
            if (Files.exists(run.reports())) {
                try (Stream<Path> old = Files.walk(run.reports())) {   // a report of an earlier run must not count
                    old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(run.reports());
        }
        Files.createDirectories(dir);
        this.log = dir.resolve("wstest.log");
        Path script = dir.resolve("wstest-run.py");
        try (InputStream in = AutobahnSuite.class.getResourceAsStream("wstest-run.py")) {
            Files.write(script, in.readAllBytes());
        }
        for (String jar : List.of("jython-standalone.jar", "autobahntestsuite.jar")) {
            if (!Files.isRegularFile(jars.resolve(jar))) {
                throw new IllegalStateException(jar + " is not in " + jars + ": the build copies it there"
                        + " (maven-dependency-plugin, phase generate-test-resources)");
            }
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                jars.resolve("jython-standalone.jar") + File.pathSeparator + jars.resolve("autobahntestsuite.jar"),
                "org.python.util.jython", script.toString(), String.valueOf(killAfterScale)));
        for (Run run : runs) {
            command.add(run.mode());
            command.add(Files.writeString(dir.resolve(run.mode() + ".json"), run.spec()).toString());
        }
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        Thread.ofVirtual().start(this::copyOutput);
    }

    /** Starts wstest in {@code dir} with {@code runs} side by side. */
    static AutobahnSuite start(Path jars, Path dir, double killAfterScale, Run... runs) throws IOException {
        return new AutobahnSuite(jars, dir, killAfterScale, List.of(runs));
    }

    /** The fuzzing server on {@code port} of loopback, running {@code cases} for whoever connects. */
    static Run fuzzingServer(Path reports, int port, List<String> cases, List<String> excluded) {
        return new Run("fuzzingserver", "{\"url\": \"ws://127.0.0.1:" + port + "\", \"options\": {\"failByDrop\": false},"
                + " \"outdir\": " + quote(reports.toString()) + ", \"webport\": 0, \"cases\": " + list(cases)
                + ", \"exclude-cases\": " + list(excluded) + ", \"exclude-agent-cases\": {}}", reports);
    }

    /** The fuzzing client, running {@code cases} against the server at {@code url}. */
    static Run fuzzingClient(Path reports, String url, List<String> cases, List<String> excluded) {
        return new Run("fuzzingclient", "{\"options\": {\"failByDrop\": false}, \"outdir\": " + quote(reports.toString())
                + ", \"servers\": [{\"agent\": \"" + AGENT + "\", \"url\": " + quote(url) + ", \"options\": {\"version\": 18}}],"
                + " \"cases\": " + list(cases) + ", \"exclude-cases\": " + list(excluded) + ", \"exclude-agent-cases\": {}}",
                reports);
    }

    /** A port of loopback that nobody listens on now, for the fuzzing server (it needs a number). */
    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Waits until the suite's listeners are bound (the script says READY), or fails after {@code limit}. */
    void awaitReady(Duration limit) throws Exception {
        try {
            ready.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("wstest did not start within " + limit + "; see " + log(), e);
        }
    }

    /** Waits until the fuzzing client has written its report (the script says DONE fuzzingclient). */
    void awaitClientDone(Duration limit) throws Exception {
        try {
            clientDone.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the fuzzing client did not finish within " + limit + "; see " + log, e);
        }
    }

    /** Where the child's output goes. */
    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);   // its reports are written; nothing to lose
    }

    private void copyOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
            for (String line; (line = in.readLine()) != null; ) {
                out.println(line);
                // With WSTEST_DEBUG=1 Twisted's log puts a time stamp before each line.
                if (line.endsWith("READY")) {
                    ready.complete(null);
                } else if (line.endsWith("DONE fuzzingclient")) {
                    clientDone.complete(null);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } finally {
            IllegalStateException ended = new IllegalStateException("wstest ended early; see " + log);
            ready.completeExceptionally(ended);
            clientDone.completeExceptionally(ended);
        }
    }

    private static String list(List<String> items) {
        return items.stream().map(AutobahnSuite::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

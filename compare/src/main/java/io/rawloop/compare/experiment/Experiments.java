package io.rawloop.compare.experiment;

import io.rawloop.compare.backend.Backend;
import java.time.Duration;
import java.util.List;

/**
 * The Python concurrency talks' experiments, in Java, by name: what {@code rawloop-compare.jar
 * experiment NAME} runs; and one of TLS's own, {@code tls-silent} (what a flood of silent
 * handshakes costs everyone else).
 */
public final class Experiments {

    /** Their names. */
    public static final String[] NAMES = {"downloads", "spawn", "c10k", "blocking", "cpu", "processes", "tls-silent"};

    private Experiments() {
    }

    /**
     * Every experiment's knobs.
     *
     * @param urls        downloads: how many URLs
     * @param delayMs     downloads: the server's delay per URL
     * @param count       spawn: units
     * @param connections c10k: idle connections per back-end; tls-silent: connections that never send a ClientHello
     * @param backends    c10k: which back-ends
     * @param duration    blocking, tls-silent: per phase
     * @param rate        blocking: /hello requests per second
     * @param work        blocking: rounds per /cpu; cpu and processes: 50 times that in all
     * @param ws          c10k: WebSocket connections instead of HTTP keep-alive ones
     */
    public record Settings(int urls, int delayMs, int count, int connections, List<String> backends, Duration duration,
                           double rate, long work, boolean ws) {
    }

    /** Runs experiment {@code name}; its Markdown table. */
    public static String run(String name, Settings s) throws Exception {
        return switch (name) {
            case "downloads" -> Downloads.run(s.urls(), s.delayMs());
            case "spawn" -> Spawn.run(s.count());
            case "c10k" -> C10k.run(s.connections(), s.backends().stream().map(Backend::of).toList(), s.ws());
            case "blocking" -> Blocking.run(s.duration(), s.rate(), s.work());
            case "cpu" -> Cpu.run(s.work() * 50);
            case "processes" -> Processes.run(s.work() * 50);
            case "tls-silent" -> TlsSilent.run(s.connections(), s.duration());
            default -> throw new IllegalArgumentException("no experiment '" + name + "'");
        };
    }
}

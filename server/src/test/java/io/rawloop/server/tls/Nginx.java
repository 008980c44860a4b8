package io.rawloop.server.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * nginx with {@code ssl}, started by a test as its child: one {@code server} block per
 * certificate, each on a free port found here, all in a directory of the test's own (config, pid
 * file, error log, temp files). {@code master_process off} keeps it one process, so that killing
 * it leaves no worker behind.
 */
final class Nginx implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final Map<String, Integer> ports;

    private Nginx(Process process, Path dir, Map<String, Integer> ports) {
        this.process = process;
        this.dir = dir;
        this.ports = ports;
    }

    /**
     * Starts nginx in {@code dir} with a listener per certificate name of {@link TestPki}
     * ({@code localhost}, {@code other}, ...): each serves {@code GET /hello} itself and passes
     * {@code /echo} to {@code upstreamPort} on plain HTTP, the way nginx terminates TLS in front
     * of an application. Skips the test when nginx is not installed.
     */
    static Nginx start(Path dir, int upstreamPort, String... certificates) throws Exception {
        assumeTrue(TestPki.installed("nginx"), "nginx is not installed (apt-get install nginx): the tests against it"
                + " are skipped");
        Map<String, Integer> ports = freePorts(certificates);
        StringBuilder servers = new StringBuilder();
        ports.forEach((name, port) -> servers.append("""
                    server {
                        listen 127.0.0.1:%d ssl;
                        server_name localhost;
                        ssl_certificate %s.pem;
                        ssl_certificate_key %s.key;
                        ssl_protocols TLSv1.2 TLSv1.3;
                        location = /hello { return 200 "Hello from nginx\\n"; }
                        location = /echo { proxy_pass http://127.0.0.1:%d; }
                    }
                """.formatted(port, dir.resolve(name), dir.resolve(name), upstreamPort)));
        // One process, never setuid to a worker user: the temp files (a body over 16 KiB) stay
        // in our directory, written as whoever runs the test.
        Files.writeString(dir.resolve("nginx.conf"), """
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_max_body_size 16m;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                %2$s}
                """.formatted(dir, servers));
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            // -e: the log for what happens before the config is read (else /var/log/nginx).
            Process process = new ProcessBuilder("nginx", "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(),
                    "-e", dir.resolve("error.log").toString(), "-g", "daemon off;").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.out").toFile()).redirectInput(ProcessBuilder.Redirect.from(
                            new java.io.File("/dev/null"))).start();
            Nginx nginx = new Nginx(process, dir, ports);
            // nginx writes its pid file after it has bound every listener: from then on, connects queue.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(dir.resolve("nginx.pid"))) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    nginx.close();
                    throw new AssertionError("nginx did not start:\n" + nginx.log());
                }
                var key = watch.poll(100, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
            return nginx;
        }
    }

    /** The port of the listener with {@code certificate}'s name. */
    int port(String certificate) {
        return ports.get(certificate);
    }

    /** Its error log and its output, for a failure's message. */
    String log() throws IOException {
        Path error = dir.resolve("error.log");
        Path out = dir.resolve("nginx.out");
        return (Files.exists(error) ? Files.readString(error) : "") + (Files.exists(out) ? Files.readString(out) : "");
    }

    /**
     * Ports that were free a moment ago: held open all at once (so that they differ), then
     * released for nginx to bind. Another process could take one meanwhile; nginx would then
     * fail to start, and say so in the failure.
     */
    private static Map<String, Integer> freePorts(String... names) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        try {
            for (String name : names) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports.put(name, s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    /** SIGTERM (nginx's fast shutdown), then SIGKILL if it is still there after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "nginx survived SIGKILL");
        }
    }
}

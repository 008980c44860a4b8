package io.rawloop.compare.experiment;

import io.rawloop.compare.backend.Backend;
import io.rawloop.compare.bench.BackendProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C10k problem: N idle keep-alive connections (each has made one request) held open against
 * each back-end, in its own JVM. What each idle connection costs the server: resident memory,
 * live heap (after a full GC, through {@code jcmd}), threads.
 */
final class C10k {

    private static final byte[] HELLO = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private C10k() {
    }

    /** With {@code ws}, WebSocket connections instead (see {@link IdleWebSocket}), on the back-ends that serve them. */
    static String run(int connections, List<Backend> backends, boolean ws) throws Exception {
        if (ws) {
            backends = backends.stream().filter(Backend::servesWebSocket).toList();
        }
        Table t = new Table("back-end", "connections", "RSS per connection", "heap per connection", "threads before → after");
        for (Backend b : backends) {
            try (BackendProcess server = BackendProcess.start(b.id(), null)) {
                List<Socket> open = Collections.synchronizedList(new ArrayList<>());
                warm(server.port, ws);
                long rssBefore = server.status("VmRSS");
                long heapBefore = heapKb(server.pid());
                long threadsBefore = server.status("Threads");
                try (ExecutorService openers = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> all = new ArrayList<>();
                    for (int w = 0; w < 16; w++) {
                        int share = connections / 16 + (w < connections % 16 ? 1 : 0);
                        all.add(openers.submit(() -> {
                            for (int i = 0; i < share; i++) {
                                Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port);
                                s.setSoTimeout(30_000);
                                if (ws) {
                                    IdleWebSocket.open(s);
                                } else {
                                    exchange(s);
                                }
                                open.add(s);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : all) {
                        f.get(10, TimeUnit.MINUTES);
                    }
                }
                long rssAfter = server.status("VmRSS");
                long heapAfter = heapKb(server.pid());
                long threadsAfter = server.status("Threads");
                t.row(b.id(), String.format(Locale.ROOT, "%,d", connections),
                        String.format(Locale.ROOT, "%,.0f B", (rssAfter - rssBefore) * 1024.0 / connections),
                        heapBefore < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f B", (heapAfter - heapBefore) * 1024.0 / connections),
                        threadsBefore + " → " + threadsAfter);
                for (Socket s : open) {
                    s.close();
                }
            }
        }
        return "C10k: " + connections + (ws ? " idle WebSocket connections per back-end (each had one 64-byte message echoed)"
                : " idle keep-alive connections per back-end (each made one request)") + "\n\n" + t;
    }

    private static void warm(int port, boolean ws) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            if (ws) {
                IdleWebSocket.open(s);
            }
            for (int i = 0; i < 1000; i++) {
                if (ws) {
                    IdleWebSocket.echo(s);
                } else {
                    exchange(s);
                }
            }
        }
    }

    private static void exchange(Socket s) throws IOException {
        s.getOutputStream().write(HELLO);
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[256];
        int got = 0;
        while (got < 4 || !new String(buffer, 0, got, StandardCharsets.US_ASCII).endsWith("Hello, World!")) {
            int n = in.read(buffer, got, buffer.length - got);
            if (n < 0) {
                throw new IOException("closed after " + got + " bytes");
            }
            got += n;
        }
    }

    /** Live heap in KiB after a full GC, from {@code jcmd GC.heap_info}; -1 if jcmd is not there. */
    static long heapKb(long pid) {
        try {
            Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
            run(jcmd.toString(), Long.toString(pid), "GC.run");
            String info = run(jcmd.toString(), Long.toString(pid), "GC.heap_info");
            long used = 0;
            Matcher m = USED.matcher(info);
            while (m.find()) {
                used += Long.parseLong(m.group(1));
            }
            return used;
        } catch (Exception e) {
            return -1;
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}

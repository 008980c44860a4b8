package io.rawloop.compare.experiment;

import io.rawloop.client.ClientConfig;
import io.rawloop.client.cli.Fetched;
import io.rawloop.client.cli.Mode;
import io.rawloop.compare.backend.Backend;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The download-all-sites table of Denis Voronkin's and Martin Alderete's talks, in Java: N URLs each delayed M ms by a local server,
 * fetched sequentially, by pools of 8 and 64 platform threads, by a virtual thread each (64 at a
 * time), and by 64 coroutines on one loop. I/O-bound work: what matters is how many wait at once.
 */
final class Downloads {

    private Downloads() {
    }

    static String run(int urls, int delayMs) throws Exception {
        try (Backend.Running server = Backend.LOOP.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            List<String> list = Collections.nCopies(urls, "http://127.0.0.1:" + server.port() + "/sleep?ms=" + delayMs);
            Table t = new Table("model", "concurrency", "time", "URLs/s", "failed");
            Object[][] models = {{"sequential", Mode.SEQUENTIAL, 1}, {"thread pool", Mode.THREADS, 8},
                {"thread pool", Mode.THREADS, 64}, {"virtual threads", Mode.VIRTUAL, 64}, {"rawloop coroutines", Mode.LOOP, 64}};
            for (Object[] m : models) {
                Mode mode = (Mode) m[1];
                int concurrency = (int) m[2];
                List<Fetched> results = Collections.synchronizedList(new ArrayList<>());
                long start = System.nanoTime();
                mode.run(list, concurrency, new Mode.Job(ClientConfig.DEFAULT, results::add, false));
                double seconds = (System.nanoTime() - start) / 1e9;
                long failed = results.stream().filter(f -> !f.succeeded()).count();
                t.row(m[0], concurrency, String.format(Locale.ROOT, "%.2f s", seconds),
                        String.format(Locale.ROOT, "%.0f", urls / seconds), failed);
            }
            return "Downloads: " + urls + " URLs, each answered after " + delayMs + " ms\n\n" + t;
        }
    }
}

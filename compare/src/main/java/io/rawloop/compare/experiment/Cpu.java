package io.rawloop.compare.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU-bound work split over 1, 2 and 4 threads. Python's threads take turns under the GIL, so
 * the CPU-bound table of the Python talks (Martin Alderete's GIL talk) does not speed up with threads; Java threads run on every core at
 * once, up to the number of cores (and no further: 4 threads on 2 cores take as long as 2).
 */
final class Cpu {

    private Cpu() {
    }

    static String run(long work) throws Exception {
        Table t = new Table("threads", "time", "speed-up");
        double base = 0;
        for (int threads : new int[] {1, 2, 4}) {
            long start = System.nanoTime();
            List<Thread> all = new ArrayList<>();
            long[] sink = new long[threads];
            // region split
            for (int i = 0; i < threads; i++) {
                int me = i;
                all.add(Thread.ofPlatform().start(() -> sink[me] = io.rawloop.compare.backend.Work.cpu(work / threads)));
            }
            // endregion split
            for (Thread th : all) {
                th.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (threads == 1) {
                base = seconds;
            }
            t.row(threads, String.format(Locale.ROOT, "%.2f s", seconds), String.format(Locale.ROOT, "%.2f×", base / seconds));
        }
        return "CPU-bound: " + String.format(Locale.ROOT, "%,d", work) + " rounds of a 64-bit mixing function, split over"
                + " threads; this machine has " + Runtime.getRuntime().availableProcessors() + " cores\n\n" + t;
    }
}

package io.rawloop.client.cli;

import io.rawloop.client.BlockingClient;
import io.rawloop.client.ClientConfig;
import io.rawloop.client.HttpClient;
import io.rawloop.client.HttpClientException;
import io.rawloop.client.HttpRequest;
import io.rawloop.client.HttpResponse;
import io.rawloop.loop.Coroutine;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The download-all-sites program of the Python concurrency talks ("Where this comes from" in the
 * tutorial), once per concurrency model. Each fetches every URL, at most {@code concurrency} at a
 * time, and reports each as it finishes.
 * The sequential, threads and virtual modes share one {@link BlockingClient}; the loop mode runs
 * {@link HttpClient} coroutines on one thread; {@code jdk} is the JDK's own
 * {@code java.net.http.HttpClient}, for comparison. Every mode keeps connections alive.
 */
public enum Mode {

    /** One URL after another on the main thread: the baseline. */
    SEQUENTIAL {
        @Override
        public void run(List<String> urls, int concurrency, Job job) {
            try (BlockingClient client = new BlockingClient(job.config())) {
                for (String url : urls) {
                    job.done().accept(blocking(client, url, job.keepBodies()));
                }
            }
        }
    },

    /** A fixed pool of {@code concurrency} platform threads, each blocking in its request. */
    THREADS {
        @Override
        public void run(List<String> urls, int concurrency, Job job) throws Exception {
            try (BlockingClient client = new BlockingClient(job.config());
                 ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
                for (String url : urls) {
                    pool.execute(() -> job.done().accept(blocking(client, url, job.keepBodies())));
                }
            }   // close() waits for every task
        }
    },

    /** A virtual thread per URL, {@code concurrency} of them at a time (a semaphore). */
    VIRTUAL {
        @Override
        public void run(List<String> urls, int concurrency, Job job) throws Exception {
            Semaphore permits = new Semaphore(concurrency);
            try (BlockingClient client = new BlockingClient(job.config());
                 ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String url : urls) {
                    permits.acquire();
                    threads.execute(() -> {
                        try {
                            job.done().accept(blocking(client, url, job.keepBodies()));
                        } finally {
                            permits.release();
                        }
                    });
                }
            }
        }
    },

    /** One event loop thread: {@code concurrency} coroutines take the next URL until none is left. */
    LOOP {
        @Override
        public void run(List<String> urls, int concurrency, Job job) throws Exception {
            // region loopMode
            ClientConfig config = job.config().withMaxConnectionsPerHost(concurrency);
            try (EventLoop loop = EventLoop.create()) {
                loop.start();
                CompletableFuture<Void> all = loop.submit(() -> {
                    HttpClient client = HttpClient.create(loop, config);
                    int[] next = {0};
                    List<Promise<Void>> workers = new ArrayList<>();
                    for (int w = 0; w < Math.min(concurrency, urls.size()); w++) {
                        workers.add(loop.spawn(() -> {
                            while (next[0] < urls.size()) {
                                String url = urls.get(next[0]++);
                                job.done().accept(onLoop(client, url, job.keepBodies()));
                            }
                            return null;
                        }));
                    }
                    return Promise.all(loop, workers).onComplete((v, f) -> client.close()).toCompletableFuture();
                }).thenCompose(f -> f).thenApply(v -> null);
                all.get();
            // endregion loopMode
            }
        }
    },

    /** The JDK's java.net.http.HttpClient (HTTP/1.1, async), {@code concurrency} requests in flight. */
    JDK {
        @Override
        public void run(List<String> urls, int concurrency, Job job) throws Exception {
            Semaphore permits = new Semaphore(concurrency);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            java.net.http.HttpClient.Builder builder = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(job.config().connectTimeout());
            if (job.config().tls().context() != null) {
                builder.sslContext(job.config().tls().context());   // --cacert; the JDK checks names itself
            }
            try (java.net.http.HttpClient client = builder.build()) {
                for (String url : urls) {
                    permits.acquire();
                    long start = System.nanoTime();
                    java.net.http.HttpRequest request;
                    try {
                        request = java.net.http.HttpRequest.newBuilder(URI.create(url))
                                .timeout(job.config().totalTimeout().isZero() ? Duration.ofDays(1) : job.config().totalTimeout())
                                .build();
                    } catch (IllegalArgumentException e) {
                        permits.release();
                        job.done().accept(new Fetched(url, 0, 0, null, System.nanoTime() - start, e.getMessage()));
                        continue;
                    }
                    pending.add(client.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray())
                            .whenComplete((r, f) -> {
                                long nanos = System.nanoTime() - start;
                                permits.release();
                                job.done().accept(f == null
                                        ? new Fetched(url, r.statusCode(), r.body().length, job.keepBodies() ? r.body() : null, nanos, null)
                                        : new Fetched(url, 0, 0, null, nanos, String.valueOf(f.getCause() != null ? f.getCause() : f)));
                            }));
                }
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((v, f) -> null).join();
            }
        }
    };

    /**
     * What every mode is given.
     *
     * @param config     the client's limits and timeouts
     * @param done       hears each URL's outcome as it finishes, on any thread
     * @param keepBodies whether outcomes keep the bodies (to compare them)
     */
    public record Job(ClientConfig config, Consumer<Fetched> done, boolean keepBodies) {
    }

    /** Fetches every URL, at most {@code concurrency} at a time; {@code job.done()} hears each (any thread). */
    public abstract void run(List<String> urls, int concurrency, Job job) throws Exception;

    private static Fetched blocking(BlockingClient client, String url, boolean keep) {
        long start = System.nanoTime();
        try {
            return fetched(url, client.send(HttpRequest.get(url)), start, keep);
        } catch (HttpClientException e) {
            return new Fetched(url, 0, 0, null, System.nanoTime() - start, e.reason());
        } catch (IllegalArgumentException e) {
            return new Fetched(url, 0, 0, null, System.nanoTime() - start, e.getMessage());
        }
    }

    /** In a coroutine on the client's loop. */
    private static Fetched onLoop(HttpClient client, String url, boolean keep) {
        long start = System.nanoTime();
        try {
            return fetched(url, Coroutine.await(client.get(url)), start, keep);
        } catch (HttpClientException e) {
            return new Fetched(url, 0, 0, null, System.nanoTime() - start, e.reason());
        } catch (Exception e) {
            return new Fetched(url, 0, 0, null, System.nanoTime() - start, String.valueOf(e.getMessage()));
        }
    }

    private static Fetched fetched(String url, HttpResponse r, long start, boolean keep) {
        return new Fetched(url, r.status(), r.bodyLength(), keep ? r.body() : null, System.nanoTime() - start, null);
    }
}

package io.rawloop.compare.backend;

import io.rawloop.compare.backend.Endpoints.Answer;
import io.rawloop.loop.Clock;
import io.rawloop.loop.Coroutine;
import io.rawloop.loop.Promise;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * rawloop's server on one loop. {@code /sleep} is a loop timer (no thread waits); {@code /cpu}
 * runs on the loop, blocking it, unless the query says {@code offload=true}: the lesson of the
 * {@code blocking} experiment.
 */
final class LoopBackend {

    private LoopBackend() {
    }

    /** Plain, or over TLS with the server's own TLS listener when {@code tls} is not null. */
    static Backend.Running start(InetSocketAddress address, boolean coroutines, SSLContext tls) throws IOException {
        Handler handler = coroutines ? Handler.coroutine(request -> {
            Answer a = offloaded(request.target())
                    ? Coroutine.await(request.loop().offload(() -> Endpoints.route(request.target())))
                    : Endpoints.route(request.target());
            if (a.sleepMs() > 0) {
                Coroutine.sleep(Duration.ofMillis(a.sleepMs()));
            }
            return response(a);
        }) : (request, loop) -> {
            if (offloaded(request.target())) {
                return loop.offload(() -> Endpoints.route(request.target())).map(LoopBackend::response);
            }
            Answer a = Endpoints.route(request.target());
            if (a.sleepMs() == 0) {
                // Answered at once, the way a promise-style handler answers what it has: no step
                // through flatMap, whose function would run a turn later (listeners never run inside
                // the call that settles a promise), and the server then needs no response timer.
                return Promise.succeeded(loop, response(a));
            }
            Promise<Response> later = loop.newPromise();
            loop.schedule(Duration.ofMillis(a.sleepMs()), () -> later.complete(response(a)));
            return later;
        };
        // As a rawloop user writes it: a Router, whose Handler.of routes for the fixed answers the
        // server answers with no promise in between, /ws/echo's upgrade, and the rest.
        Router routes = new Router().get(WebSocketEcho.PATH, WebSocketEcho.upgrade(coroutines));
        if (!coroutines) {
            routes.get("/hello", Handler.of(r -> HELLO)).get("/json", Handler.of(r -> JSON));
        }
        HttpServer server = HttpServer.start(List.of(tls == null ? HttpServer.Listener.plain(address)
                : HttpServer.Listener.tls(address, tls)), 1, ServerConfig.DEFAULT, routes.any("/*", handler), Clock.system());
        Thread loopThread = onLoop(server);
        return new Backend.Running() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public Optional<Thread> loopThread() {
                return Optional.of(loopThread);
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /** The server's one loop thread, asked of the loop itself (the thread is the loop's business). */
    private static Thread onLoop(HttpServer server) throws IOException {
        try {
            return server.loops().get(0).submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            server.close();
            throw new IOException("the server's loop did not answer", e);
        } catch (InterruptedException e) {
            server.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static boolean offloaded(String target) {
        return target.startsWith("/cpu") && target.contains("offload=true");
    }

    /**
     * Built once: a {@code Response} keeps its fields encoded, and may be answered again and again,
     * on any number of connections (the server adds Date and the framing as it writes each one).
     */
    private static final Response HELLO = Response.bytes(200, Endpoints.TEXT, Endpoints.HELLO);
    private static final Response JSON = Response.bytes(200, Endpoints.JSON, Endpoints.MESSAGE);

    private static Response response(Answer a) {
        if (a == Endpoints.HELLO_ANSWER) {
            return HELLO;
        }
        return a == Endpoints.JSON_ANSWER ? JSON : Response.bytes(a.status(), a.contentType(), a.body());
    }
}

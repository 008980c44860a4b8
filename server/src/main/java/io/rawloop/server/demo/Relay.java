package io.rawloop.server.demo;

import static io.rawloop.loop.Coroutine.await;

import io.rawloop.client.ClientConfig;
import io.rawloop.client.HttpClient;
import io.rawloop.client.HttpClientException;
import io.rawloop.client.HttpResponse;
import io.rawloop.loop.EventLoop;
import io.rawloop.server.Request;
import io.rawloop.server.Response;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's {@code /fetch?url=U}: fetches U (http or https, trusting the JDK's CAs) with rawloop's {@link HttpClient} on the loop that
 * took the request (one client per loop, so each keeps its own keep-alive pool and never crosses
 * a thread), and relays the status, Content-Type and body. A coroutine: it reads straight down,
 * and the loop serves everyone else while it waits.
 */
final class Relay {

    /** The whole fetch, DNS and connect included, must be done within this: else 504. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ClientConfig CONFIG = ClientConfig.DEFAULT.withConnectTimeout(TIMEOUT)
            .withHeaderTimeout(TIMEOUT).withTotalTimeout(TIMEOUT);

    private final Map<EventLoop, HttpClient> clients = new ConcurrentHashMap<>();

    // region fetch
    Response fetch(Request r) throws Exception {
        String url = r.queryParameter("url");
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url);
        } catch (IllegalArgumentException e) {
            return Response.text(400, "not a URL: " + url + "\n");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            return Response.text(400, "give ?url=http://host[:port]/path or https://...\n");
        }
        HttpClient client = clients.computeIfAbsent(r.loop(), loop -> HttpClient.create(loop, CONFIG));
        try {
            HttpResponse answer = await(client.get(uri.toString()));
            String type = answer.header("Content-Type");
            return Response.bytes(answer.status(), type == null ? "application/octet-stream" : type, answer.body());
        } catch (HttpClientException e) {
            boolean late = e.kind() == HttpClientException.Kind.CONNECT_TIMEOUT
                    || e.kind() == HttpClientException.Kind.HEADER_TIMEOUT || e.kind() == HttpClientException.Kind.TOTAL_TIMEOUT
                    || e.kind() == HttpClientException.Kind.HANDSHAKE_TIMEOUT;
            return late ? Response.text(504, "no answer from " + uri + " within " + TIMEOUT.toSeconds() + " s\n")
                    : Response.text(502, "fetching " + uri + " failed: " + e.reason() + "\n");
        }
    }
    // endregion fetch
}

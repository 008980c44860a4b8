package io.rawloop.client;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.http.ResponseHead;
import io.rawloop.loop.Promise;
import io.rawloop.loop.Timer;
import java.net.URI;

/**
 * What the caller of {@link HttpClient#send} or {@link HttpClient#stream} holds a promise of: one
 * or more {@link Exchange}s (a retry on a fresh connection, redirect hops) under one total timeout.
 *
 * <p>Redirects (RFC 9110 §15.4), when enabled: 301, 302, 303, 307 and 308 with a Location are
 * followed up to the hop limit. 303 turns any method but HEAD into a GET without body, and so do
 * 301 and 302 for a POST (what every browser does, and what §15.4.2 allows); 307 and 308 repeat
 * the method and body. Authorization and Cookie are not sent to another host or port.
 */
final class Call {

    final HttpClient client;
    private final Promise<HttpResponse> whole;
    private final Promise<ResponseStream> streamed;
    private Exchange current;
    private Timer totalTimer;
    private int redirects;
    private boolean retried;

    private Call(HttpClient client, Promise<HttpResponse> whole, Promise<ResponseStream> streamed) {
        this.client = client;
        this.whole = whole;
        this.streamed = streamed;
    }

    static Promise<HttpResponse> whole(HttpClient client, HttpRequest request) {
        Promise<HttpResponse> p = client.loop().newPromise();
        new Call(client, p, null).start(request, p);
        return p;
    }

    static Promise<ResponseStream> streamed(HttpClient client, HttpRequest request) {
        Promise<ResponseStream> p = client.loop().newPromise();
        new Call(client, null, p).start(request, p);
        return p;
    }

    private void start(HttpRequest request, Promise<?> result) {
        long total = client.config().totalTimeout().toMillis();
        if (total > 0) {
            totalTimer = client.loop().schedule(client.config().totalTimeout(), () -> stop(Kind.TOTAL_TIMEOUT,
                    "not complete within " + total + " ms (total timeout)"));
        }
        result.onCancel(() -> stop(Kind.CANCELLED, "cancelled by the caller"));
        attempt(request);
    }

    private void attempt(HttpRequest request) {
        current = new Exchange(this, request, streamed != null);
        client.requested();
        client.pool(request).submit(current);
    }

    /** Abandons the current exchange with {@code kind}: the total timeout, or the caller cancelled. */
    private void stop(Kind kind, String why) {
        Exchange e = current;
        if (e.finished()) {
            return;
        }
        HttpClientException error = e.failure(kind, why, null);
        if (e.state == Exchange.State.WAITING) {
            client.pool(e.request).withdraw(e);
            e.fail(error);
        } else {
            e.connection.abandon(e, error);
        }
    }

    private boolean done() {
        return whole != null ? whole.isDone() : streamed.isDone();
    }

    // region what the exchange reports
    /** Whether the response with {@code head} is a redirect this call will follow. */
    boolean follows(ResponseHead head) {
        return client.config().maxRedirects() > 0 && isRedirect(head.status()) && head.headers().get("Location") != null;
    }

    void onResponse(Exchange e, HttpResponse response) {
        if (e != current || done()) {
            return;
        }
        if (follows(e.head())) {
            redirect(e, response);
            return;
        }
        finish();
        whole.complete(response);
    }

    void onStream(Exchange e, ResponseStream stream) {
        if (e != current || done()) {
            stream.close();
            return;
        }
        finish();   // SIMPLIFICATION: the total timeout ends at the head; the reader sets the body's pace
        streamed.complete(stream);
    }

    void onFailure(Exchange e, HttpClientException error) {
        if (e != current || done()) {
            return;
        }
        finish();
        client.failed();
        if (whole != null) {
            whole.fail(error);
        } else {
            streamed.fail(error);
        }
    }

    /** Sends the request of {@code e} again on another connection, once; false if it was sent twice already. */
    boolean retry(Exchange e, HttpClientException error) {
        if (retried || e != current || done()) {
            return false;
        }
        retried = true;
        client.retried();
        attempt(e.request);
        return true;
    }
    // endregion what the exchange reports

    private void redirect(Exchange e, HttpResponse response) {
        int status = response.status();
        String location = response.header("Location");
        URI from = e.request.uri();
        URI to;
        try {
            to = from.resolve(new URI(location));
        } catch (java.net.URISyntaxException | IllegalArgumentException x) {
            onFailure(e, e.failure(Kind.MALFORMED, status + " redirect to an invalid Location: " + location, x));
            return;
        }
        if (redirects >= client.config().maxRedirects()) {
            onFailure(e, e.failure(Kind.TOO_MANY_REDIRECTS, "more than " + client.config().maxRedirects()
                    + " redirects (the last: " + status + " to " + to + ")", null));
            return;
        }
        try {
            HttpRequest.checkUri(to);
        } catch (IllegalArgumentException x) {
            onFailure(e, e.failure(Kind.UNSUPPORTED, status + " redirect to " + to + ", which cannot be followed: "
                    + x.getMessage(), x));
            return;
        }
        redirects++;
        String method = e.request.method();
        boolean becomesGet = status == 303 ? !method.equals("HEAD")
                : (status == 301 || status == 302) && method.equals("POST");
        // An origin is scheme, host and port (RFC 6454 §4): http→https is another origin too.
        boolean sameOrigin = from.getScheme().equalsIgnoreCase(to.getScheme()) && from.getHost().equalsIgnoreCase(to.getHost())
                && e.request.port() == (to.getPort() < 0 ? HttpRequest.defaultPort(to) : to.getPort());
        retried = false;
        attempt(e.request.redirect(to, becomesGet, sameOrigin));
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private void finish() {
        if (totalTimer != null) {
            totalTimer.cancel();
            totalTimer = null;
        }
    }

    @Override
    public String toString() {
        return "Call[" + current.request + "]";
    }
}

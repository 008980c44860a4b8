package io.rawloop.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.rawloop.http.BodyFraming;
import io.rawloop.http.Headers;
import io.rawloop.http.HttpVersion;
import io.rawloop.http.RequestHead;
import org.junit.jupiter.api.Test;

/**
 * Routing, asked of {@code Router.resolve} directly: fixed paths are found by one lookup, and
 * that lookup must answer exactly as the walk over every route does (earlier routes win, a
 * pattern before a fixed path is matched first, another method falls through to 405).
 */
class RouterTest {

    private static final Handler A = Handler.of(r -> Response.text(200, "a"));
    private static final Handler B = Handler.of(r -> Response.text(200, "b"));
    private static final Handler C = Handler.of(r -> Response.text(200, "c"));

    private static Request request(String method, String target) {
        return new Request(new RequestHead(method, target, HttpVersion.HTTP_1_1, Headers.EMPTY, BodyFraming.NONE, -1),
                new byte[0], null, null);
    }

    private static int status(Handler handler, Request request) {
        return ((AtOnce) handler).answer(request).status();
    }

    @Test
    void aFixedPathIsRoutedToItsFirstRouteAndHeadToGet() {
        Router router = new Router().get("/hello", A).get("/json", B).get("/hello", C).any("/*", C);
        assertSame(A, router.resolve(request("GET", "/hello")));
        assertSame(A, router.resolve(request("HEAD", "/hello")));
        assertSame(B, router.resolve(request("GET", "/json?pretty=1")));
        assertSame(C, router.resolve(request("GET", "/hello/")), "a trailing slash is another path");
        assertSame(C, router.resolve(request("POST", "/hello")), "the wildcard takes other methods");
    }

    @Test
    void aPatternBeforeAFixedPathWinsAsTheWalkSays() {
        Router router = new Router().get("/items/{id}", A).get("/items/new", B).any("/*", C);
        Request request = request("GET", "/items/new");
        assertSame(A, router.resolve(request));
        assertEquals("new", request.pathParameter("id"));
        Router wildcardFirst = new Router().any("/*", C).get("/hello", A);
        assertSame(C, wildcardFirst.resolve(request("GET", "/hello")));
    }

    @Test
    void aFixedPathForAnotherMethodFallsThroughToTheLaterRouteOr405() {
        Router router = new Router().route("POST", "/form", A).get("/form", B);
        assertSame(B, router.resolve(request("GET", "/form")));
        Router postOnly = new Router().route("POST", "/form", A).get("/other", B);
        assertEquals(405, status(postOnly.resolve(request("GET", "/form")), request("GET", "/form")));
        assertEquals(404, status(postOnly.resolve(request("GET", "/nowhere")), request("GET", "/nowhere")));
        assertEquals(501, status(postOnly.resolve(request("BREW", "/form")), request("BREW", "/form")));
    }
}

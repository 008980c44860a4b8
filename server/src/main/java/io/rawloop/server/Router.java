package io.rawloop.server;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes on method and path: {@code /items/{id}} matches {@code /items/42} with {@code id=42}, and
 * a trailing {@code /*} matches any rest of the path. No route for the path: 404. A route for the
 * path but not the method: 405 with the Allow header listing the methods that would work
 * (RFC 9110 §15.5.6). A method that no route names at all: 501 (RFC 9110 §9.1). HEAD is served
 * by GET routes (the server drops the body).
 */
public final class Router implements Handler {

    /** An empty router: every request gets 404 until routes are added. */
    public Router() {
    }

    private record Route(String method, String[] segments, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();
    /**
     * For each fixed path (a pattern with no parameter and no wildcard), the index of its first
     * route: a request for it is routed by one lookup, not by matching every route before it.
     */
    private final Map<String, Integer> fixed = new HashMap<>();
    /** The index of the first route with a parameter or a wildcard: the lookup decides only before it. */
    private int firstPattern = Integer.MAX_VALUE;
    /** Every method some route names ("*" for any): the others are not implemented here. */
    private final Set<String> methods = new HashSet<>();
    /** Some route takes any method: every method is implemented, and no set need be asked. */
    private boolean anyMethod;

    /** Adds a route; earlier routes win. */
    public Router route(String method, String pattern, Handler handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route pattern starts with '/': " + pattern);
        }
        String[] segments = pattern.substring(1).split("/", -1);
        if (isFixed(segments)) {
            fixed.putIfAbsent(pattern, routes.size());
        } else {
            firstPattern = Math.min(firstPattern, routes.size());
        }
        routes.add(new Route(method, segments, handler));
        methods.add(method);
        anyMethod |= method.equals("*");
        return this;
    }

    /** Adds a GET route. */
    public Router get(String pattern, Handler handler) {
        return route("GET", pattern, handler);
    }

    /** Adds a route for any method. */
    public Router any(String pattern, Handler handler) {
        return route("*", pattern, handler);
    }

    @Override
    public Promise<Response> handle(Request request, EventLoop loop) {
        return resolve(request).handle(request, loop);
    }

    /** The handler of the route that matches {@code request} (its path parameters set), or the 404, 405 or 501. */
    Handler resolve(Request request) {
        String path = request.path();
        String method = request.method();
        if (!implemented(method)) {
            // RFC 9110 §9.1: a method the server does not recognise or implement SHOULD get 501,
            // whatever the path (405 says the method exists, only not here).
            return answer(Response.text(501, "method " + method + " is not implemented by this server\n"));
        }
        Integer first = fixed.get(path);
        if (first != null && first < firstPattern && serves(routes.get(first), method)) {
            // Every route before it has a fixed path of its own, so the walk below would stop here too.
            request.pathParameters(Map.of());
            return routes.get(first).handler;
        }
        Set<String> allowed = null;   // only a 405 needs it
        for (int i = 0; i < routes.size(); i++) {   // indexed: no iterator per request
            Route route = routes.get(i);
            Map<String, String> parameters = match(route.segments, path);
            if (parameters == null) {
                continue;
            }
            if (serves(route, method)) {
                request.pathParameters(parameters);
                return route.handler;
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(route.method);
            if (route.method.equals("GET")) {
                allowed.add("HEAD");
            }
        }
        if (allowed == null) {
            return answer(Response.text(404, "no such path: " + path + "\n"));
        }
        String allow = String.join(", ", allowed);
        return answer(Response.text(405, "method " + method + " is not allowed here; use " + allow + "\n")
                .header("Allow", allow));
    }

    private static Handler answer(Response response) {
        return new AtOnce(request -> response);
    }

    /** No parameter and no wildcard: the pattern matches one path, itself. */
    private static boolean isFixed(String[] segments) {
        if (segments[segments.length - 1].equals("*")) {
            return false;
        }
        for (String p : segments) {
            if (p.startsWith("{") && p.endsWith("}")) {
                return false;
            }
        }
        return true;
    }

    private static boolean serves(Route route, String method) {
        return route.method.equals("*") || route.method.equals(method) || method.equals("HEAD") && route.method.equals("GET");
    }

    private boolean implemented(String method) {
        return anyMethod || methods.contains(method) || method.equals("HEAD") && methods.contains("GET");
    }

    /**
     * The parameters if {@code pattern} matches {@code path} (an empty map when it has none), else
     * null. Walks the path in place: nothing is allocated unless a parameter matched.
     */
    private static Map<String, String> match(String[] pattern, String path) {
        Map<String, String> parameters = Map.of();
        int from = path.startsWith("/") ? 1 : 0;
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.equals("*") && i == pattern.length - 1) {
                parameters = mutable(parameters);
                parameters.put("*", from <= path.length() ? path.substring(from) : "");
                return parameters;
            }
            if (from > path.length()) {
                return null;   // the path has fewer segments than the pattern
            }
            int slash = path.indexOf('/', from);
            int end = slash < 0 ? path.length() : slash;
            if (p.startsWith("{") && p.endsWith("}")) {
                parameters = mutable(parameters);
                parameters.put(p.substring(1, p.length() - 1), path.substring(from, end));
            } else if (end - from != p.length() || !path.startsWith(p, from)) {
                return null;
            }
            from = end + 1;   // past the slash; beyond the end when this was the last segment
        }
        return from == path.length() + 1 ? parameters : null;   // every segment of the path was used
    }

    private static Map<String, String> mutable(Map<String, String> parameters) {
        return parameters.isEmpty() ? new HashMap<>(4) : parameters;
    }
}

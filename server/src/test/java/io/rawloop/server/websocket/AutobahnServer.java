package io.rawloop.server.websocket;

import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.net.InetSocketAddress;

/**
 * The server the Autobahn|Testsuite's fuzzing client judges ({@code mvn -Pautobahn}): an echo on
 * every path, messages up to 16 MiB (the suite's largest), on the port the plugin passes. It
 * listens on every address because the plugin connects to the host's own address, not loopback.
 */
public final class AutobahnServer {

    private AutobahnServer() {
    }

    /** Starts the server on port {@code args[0]} and returns; its loops keep running. */
    public static void main(String[] args) throws Exception {
        HttpServer server = start(new InetSocketAddress(Integer.parseInt(args[0])));
        System.out.println("autobahn echo server on port " + server.port());
    }

    /** The echo server on {@code address} (AutobahnSubsetTest's is loopback, port 0). */
    static HttpServer start(InetSocketAddress address) throws java.io.IOException {
        Router routes = new Router().get("/*", WebSocketUpgrade.of(WebSocketServerTest.echo())
                .options(WebSocketOptions.DEFAULT.withMaxMessage(16 << 20)));
        return HttpServer.start(address, 2, ServerConfig.DEFAULT, routes);
    }
}

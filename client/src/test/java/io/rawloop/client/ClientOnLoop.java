package io.rawloop.client;

import io.rawloop.loop.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Tests of one default client on a started loop of its own: the loop, the client, and a send that waits. */
abstract class ClientOnLoop {

    EventLoop loop;
    HttpClient client;

    @BeforeEach
    void startLoopAndClient() throws Exception {
        loop = EventLoop.create();
        loop.start();
        client = Loops.on(loop, () -> HttpClient.create(loop));
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    /** Sends {@code r} with the client and waits (at most 30 s) for the response; throws its failure. */
    HttpResponse send(HttpRequest r) throws Exception {
        return Loops.await(loop, () -> client.send(r));
    }
}

package io.rawloop.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/** Client sockets for tests, with a read timeout: JUnit's @Timeout cannot interrupt a blocking read. */
public final class Sockets {

    private Sockets() {
    }

    /** A connection to {@code port} on loopback whose reads fail after 30 s instead of hanging. */
    public static Socket open(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        return socket;
    }
}

package io.rawloop.loop;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/** The socket options a {@link TcpConnection} sets: at its start, and for an abort. */
final class Sockets {

    private Sockets() {
    }

    /** Non-blocking, and no Nagle: request/response protocols want each write on the wire now. */
    static void configure(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    /** SO_LINGER 0: the close that follows sends an RST, not a FIN, and drops what is unsent. */
    static void resetOnClose(SocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException ignored) {
            // already broken: closing is all that is left
        }
    }

    /** The channel's own address, or null once closed. */
    static SocketAddress localAddress(SocketChannel channel) {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }
}

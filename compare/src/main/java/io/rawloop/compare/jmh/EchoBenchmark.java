package io.rawloop.compare.jmh;

import io.rawloop.loop.ConnectionHandler;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.TcpListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Loopback echo: a server loop echoes, a client loop holds {@code connections} connections.
 * One invocation sends one {@code size}-byte message on every connection and waits until each
 * has come back, so the score is round trips per second over all connections (multiply by
 * {@code size} for bytes per second each way). Both loops run on their own threads; on the
 * 2-core machines here that is one core each.
 */
@Fork(jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EchoBenchmark {

    /** Made by JMH. */
    public EchoBenchmark() {
    }

    /** Client connections, each echoing one message at a time. */
    @Param({"1", "1000"})
    public int connections;

    /** Bytes per message. */
    @Param({"1024"})
    public int size;

    private EventLoop server;
    private EventLoop client;
    private final List<TcpConnection> clientConnections = new ArrayList<>();
    private volatile CountDownLatch roundTrip;
    private ByteBuffer message;

    /** Starts both loops, binds the echo server, opens the client connections. */
    @Setup
    public void setUp() throws Exception {
        message = ByteBuffer.allocateDirect(size);
        server = EventLoop.builder().name("echo-server").build();
        client = EventLoop.builder().name("echo-client").build();
        server.start();
        client.start();
        TcpListener listener = onLoop(server, () -> TcpListener.bind(server,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new TcpListener.Options(4096, false),
                c -> c.setHandler((conn, data) -> conn.write(ByteBuffer.allocate(data.remaining()).put(data).flip()))));
        InetSocketAddress address = listener.localAddress();
        for (int i = 0; i < connections; i++) {
            TcpConnection c = onLoop(client, () -> TcpConnection.connect(client, address, Duration.ofSeconds(10)))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            onLoop(client, () -> {
                c.setHandler(new Counter());
                return null;
            });
            clientConnections.add(c);
        }
    }

    /** Counts echoed bytes; one full message back is one round trip. */
    private final class Counter implements ConnectionHandler {
        private int received;

        @Override
        public void onData(TcpConnection connection, ByteBuffer data) {
            received += data.remaining();
            while (received >= size) {
                received -= size;
                roundTrip.countDown();
            }
        }
    }

    /** Closes both loops. */
    @TearDown
    public void tearDown() {
        client.close();
        server.close();
    }

    /** One message out and back on every connection. */
    @Benchmark
    public void roundTripOnEveryConnection() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(connections);
        roundTrip = done;
        client.execute(() -> {
            for (TcpConnection c : clientConnections) {
                c.write(message.duplicate());
            }
        });
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("echo round trip did not finish in 30 s");
        }
    }

    static <T> T onLoop(EventLoop loop, Callable<T> call) throws Exception {
        return loop.submit(call).get(30, TimeUnit.SECONDS);
    }
}

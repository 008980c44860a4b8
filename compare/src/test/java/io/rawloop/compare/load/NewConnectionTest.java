package io.rawloop.compare.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.compare.backend.Backend;
import io.rawloop.compare.backend.TestCertificate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load generator over TLS: a new connection per request is a full handshake per request (the
 * certificate checked each time, so none was a resumption), in open and closed loop, against
 * rawloop's TLS and the JDK's SSLSocket; kept-alive connections shake hands once each.
 */
@Timeout(180)
class NewConnectionTest {

    @Test
    void aNewConnectionPerRequestIsOneFullHandshakeEach() throws Exception {
        for (Backend b : new Backend[] {Backend.LOOP, Backend.THREADS}) {
            for (double rate : new double[] {200, 0}) {   // open loop, then closed loop
                LoadTls tls = LoadTls.trusting(TestCertificate.get().trustManagers());
                LoadGenerator.Result r = run(b, rate, 1, tls, true);
                String what = b.id() + (rate == 0 ? " closed loop" : " at " + rate + "/s");
                assertTrue(r.errors().isEmpty(), what + ": " + r.errors());
                assertTrue(r.completed() > 0, what + " answered nothing");
                assertEquals(r.completed(), tls.fullHandshakes(), what + ": one full handshake per answered request");
                assertTrue(tls.negotiated().stream().allMatch(n -> n.startsWith("TLSv1.3 TLS_")), tls.negotiated().toString());
            }
        }
    }

    @Test
    void keptAliveConnectionsShakeHandsOnceEach() throws Exception {
        LoadTls tls = LoadTls.trusting(TestCertificate.get().trustManagers());
        LoadGenerator.Result r = run(Backend.LOOP, 400, 4, tls, false);
        assertTrue(r.errors().isEmpty(), r.errors().toString());
        assertEquals(4, tls.fullHandshakes(), "four connections, four handshakes");
        assertTrue(r.completed() > 4, "requests kept alive on them: " + r.completed());
    }

    @Test
    void aNewConnectionCarriesOneRequest() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LoadGenerator.Plan(
                URI.create("https://127.0.0.1:1/"), 1, 0, Duration.ZERO, Duration.ofSeconds(1), 16, null, true));
        assertTrue(e.getMessage().contains("pipeline must be 1"), e.getMessage());
    }

    private static LoadGenerator.Result run(Backend b, double rate, int connections, LoadTls tls, boolean newConnection)
            throws Exception {
        try (Backend.Running server = b.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TestCertificate.get())) {
            URI url = URI.create("https://127.0.0.1:" + server.port() + "/hello");
            // A cold JVM's first handshakes take hundreds of milliseconds (classes, JIT): warm both
            // ends up first, apart, so that the measured second has handshakes to count.
            LoadGenerator.run(new LoadGenerator.Plan(url, connections, rate, Duration.ZERO, Duration.ofSeconds(1), 1,
                    LoadTls.trusting(TestCertificate.get().trustManagers()), newConnection));
            return LoadGenerator.run(new LoadGenerator.Plan(url, connections, rate, Duration.ZERO, Duration.ofSeconds(1), 1,
                    tls, newConnection));
        }
    }
}

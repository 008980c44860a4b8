package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.TlsPair.Split;
import io.rawloop.loop.TlsPair.Tasks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client {@link TlsLayer} against a server one, in memory: the handshake and data in every
 * split of the records, with delegated tasks run at once or queued, in TLS 1.3 and 1.2, and
 * everything a peer can send instead of TLS.
 */
@Timeout(120)
class TlsLayerTest {

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    private static final String RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    static Stream<Arguments> everySplit() {
        List<Arguments> all = new ArrayList<>();
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            for (Tasks tasks : Tasks.values()) {
                all.add(Arguments.of(protocol, "one byte at a time", TlsPair.ONE_BYTE, tasks));
                all.add(Arguments.of(protocol, "all at once", TlsPair.ALL_AT_ONCE, tasks));
                for (long seed = 1; seed <= 5; seed++) {
                    all.add(Arguments.of(protocol, "random cuts, seed " + seed, TlsPair.random(seed), tasks));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1}, {3} tasks")
    @MethodSource("everySplit")
    void handshakeThenRequestAndResponseInEverySplit(String protocol, String splitName, Split split, Tasks tasks)
            throws Exception {
        TlsPair pair = new TlsPair(forced(TestCertificates.clientEngine(), protocol), TestCertificates.serverEngine(),
                tasks, split).start();
        pair.client.send(REQUEST);   // while handshaking: held until the handshake is done
        assertTrue(pair.client.layer.isHandshaking());
        pair.settle();
        assertEquals(REQUEST, pair.server.text());
        pair.server.send(RESPONSE);
        pair.settle();
        assertEquals(RESPONSE, pair.client.text());

        TlsHandshake agreed = pair.client.handshake;
        assertEquals(protocol, agreed.protocol());
        assertEquals(agreed, pair.server.handshake, "both ends agree");
        assertEquals("http/1.1", agreed.applicationProtocol(), "ALPN selected http/1.1");
        assertFalse(pair.client.layer.isHandshaking());
        assertEquals(TlsLayer.State.OPEN, pair.server.layer.state());
        pair.client.assertEvents("handshake", "data");
        pair.server.assertEvents("handshake", "data");
        if (tasks == Tasks.QUEUED) {
            assertTrue(pair.tasksRun >= 2, "both ends ran delegated tasks: " + pair.tasksRun);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void dataWrittenDuringTheHandshakeArrivesInTheSameReadAsTheLastFlight(String protocol) throws Exception {
        TlsPair pair = new TlsPair(forced(TestCertificates.clientEngine(), protocol), TestCertificates.serverEngine(),
                Tasks.DIRECT, TlsPair.ALL_AT_ONCE).start();
        pair.client.send(REQUEST);
        pair.server.send(RESPONSE);
        // The end that finishes last (the server in 1.3, the client in 1.2) gets the other's
        // data in the same read as the other's Finished: each flight is delivered as one read.
        TlsPair.Side last = protocol.equals("TLSv1.3") ? pair.server : pair.client;
        TlsPair.Side first = last == pair.client ? pair.server : pair.client;
        for (int flight = 0; last.received.size() == 0; flight++) {
            assertTrue(flight < 6, "the data came within the handshake's flights");
            TlsPair.Side from = flight % 2 == 0 ? pair.client : pair.server;
            TlsPair.Side to = from == pair.client ? pair.server : pair.client;
            boolean wasHandshaking = to.layer.isHandshaking();
            pair.deliver(from, to);
            if (to == last && last.received.size() > 0) {
                assertTrue(wasHandshaking, "the data came with " + first.name + "'s Finished, in one read");
                last.assertEvents("handshake", "data");
            }
        }
        pair.settle();
        assertEquals(REQUEST, pair.server.text());
        assertEquals(RESPONSE, pair.client.text());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aMebibyteEachWayArrivesByteForByteInRecordsOfAtMostSixteenKibibytes(String protocol) throws Exception {
        TlsPair pair = new TlsPair(forced(TestCertificates.clientEngine(), protocol), TestCertificates.serverEngine(),
                Tasks.QUEUED, TlsPair.random(42)).start();
        byte[] up = randomBytes(1 << 20, 1);
        byte[] down = randomBytes(1 << 20, 2);
        writeInRandomPieces(pair.client.layer, up, new Random(3));   // the first pieces wait for the handshake
        pair.settle();
        long recordsBefore = pair.server.recordsSent;
        writeInRandomPieces(pair.server.layer, down, new Random(4));
        pair.settle();
        assertArrayEquals(up, pair.server.received.toByteArray());
        assertArrayEquals(down, pair.client.received.toByteArray());
        // RFC 8446 §5.1: a record holds at most 2^14 bytes of plaintext, so 1 MiB takes 64 or more.
        assertTrue(pair.server.recordsSent - recordsBefore >= 64, "records: " + (pair.server.recordsSent - recordsBefore));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void buffersThatStartTooSmallGrowToTheSessionsTrueSizesAndNothingSpins(String protocol) throws Exception {
        UndersizedSessionEngine client = new UndersizedSessionEngine(
                forced(TestCertificates.clientEngine(), protocol), 64, 3);   // TlsBuffers asks three times
        UndersizedSessionEngine server = new UndersizedSessionEngine(TestCertificates.serverEngine(), 64, 3);
        TlsPair pair = new TlsPair(client, server, Tasks.QUEUED, TlsPair.random(8)).start();
        byte[] up = randomBytes(100_000, 5);
        byte[] down = randomBytes(100_000, 6);
        writeInRandomPieces(pair.client.layer, up, new Random(7));
        writeInRandomPieces(pair.server.layer, down, new Random(8));
        pair.settle();
        assertArrayEquals(up, pair.server.received.toByteArray());
        assertArrayEquals(down, pair.client.received.toByteArray());
        assertTrue(client.overflows > 0 && server.overflows > 0,
                "the engines said BUFFER_OVERFLOW: " + client.overflows + ", " + server.overflows);
    }

    @Test
    void delegatedTasksRunOnTheirExecutorAndNothingMovesUntilTheyComeBack() throws Exception {
        TlsPair pair = TlsPair.standard(Tasks.QUEUED, TlsPair.ALL_AT_ONCE).start();
        pair.deliver(pair.client, pair.server);   // the ClientHello
        assertEquals(1, pair.queuedTasks(), "the server's work on the ClientHello waits on the task executor");
        assertTrue(pair.server.wire.isEmpty(), "no ServerHello before the task is done");
        pair.server.layer.receive(ByteBuffer.allocate(0));   // more input while waiting changes nothing
        assertTrue(pair.server.wire.isEmpty());
        pair.runQueuedTasks();
        assertFalse(pair.server.wire.isEmpty(), "once the task is back, the server answers");
        pair.settle();
        assertEquals(TlsLayer.State.OPEN, pair.client.layer.state());
        assertEquals(TlsLayer.State.OPEN, pair.server.layer.state());
    }

    @Test
    void theEnginesOfferOnlyTls13And12AndHttp11() throws Exception {
        for (SSLEngine engine : List.of(TestCertificates.clientEngine(), TestCertificates.serverEngine())) {
            assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(engine.getEnabledProtocols()));
            assertEquals(List.of("http/1.1"), List.of(engine.getSSLParameters().getApplicationProtocols()));
        }
        assertEquals("HTTPS", TestCertificates.clientEngine().getSSLParameters().getEndpointIdentificationAlgorithm());
    }

    @Test
    void aClientAskingForTls11FailsAtOnceWithTheReason() throws Exception {
        TlsPair pair = new TlsPair(forced(TestCertificates.clientEngine(), "TLSv1.1"), TestCertificates.serverEngine(),
                Tasks.DIRECT, TlsPair.ALL_AT_ONCE).start();
        pair.settle();
        SSLHandshakeException failure = assertInstanceOf(SSLHandshakeException.class, pair.client.closeCause);
        assertTrue(failure.getMessage().startsWith("TLS handshake failed: "), failure.getMessage());
        pair.client.assertEvents("close");
    }

    @Test
    void aClientWithoutAlpnIsServedWithNone() throws Exception {
        SSLEngine client = TestCertificates.clientEngine();
        SSLParameters parameters = client.getSSLParameters();
        parameters.setApplicationProtocols(new String[0]);
        client.setSSLParameters(parameters);
        TlsPair pair = new TlsPair(client, TestCertificates.serverEngine(), Tasks.DIRECT, TlsPair.ALL_AT_ONCE).start();
        pair.settle();
        assertEquals("", pair.server.handshake.applicationProtocol());
        assertEquals("", pair.client.handshake.applicationProtocol());
    }

    @Test
    void aClientOfferingOnlyH2IsRefusedWithNoApplicationProtocol() throws Exception {
        SSLEngine client = TestCertificates.clientEngine();
        SSLParameters parameters = client.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        client.setSSLParameters(parameters);
        TlsPair pair = new TlsPair(client, TestCertificates.serverEngine(), Tasks.DIRECT, TlsPair.ALL_AT_ONCE).start();
        pair.settle();
        assertInstanceOf(SSLHandshakeException.class, pair.server.closeCause);
        String clientReason = pair.client.closeCause.getMessage();
        assertTrue(clientReason.contains("no_application_protocol"), clientReason);   // RFC 7301 §3.2
    }

    @Test
    void anUntrustedCertificateFailsBothEndsWithReasons() throws Exception {
        SSLEngine client = TlsEngines.client(SSLContext.getDefault(), "localhost", 443);   // the JDK's CAs only
        TlsPair pair = new TlsPair(client, TestCertificates.serverEngine(), Tasks.QUEUED, TlsPair.random(7)).start();
        pair.settle();
        String clientReason = assertInstanceOf(SSLHandshakeException.class, pair.client.closeCause).getMessage();
        assertTrue(clientReason.contains("PKIX path building failed"), clientReason);
        assertInstanceOf(SSLHandshakeException.class, pair.server.closeCause, "the server heard the client's alert");
        assertTrue(pair.client.transportClosed && pair.server.transportClosed);
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        SSLEngine client = TlsEngines.client(TestCertificates.clientContext(), "example.com", 443);
        TlsPair pair = new TlsPair(client, TestCertificates.serverEngine(), Tasks.DIRECT, TlsPair.ALL_AT_ONCE).start();
        pair.settle();
        String reason = pair.client.closeCause.getMessage();
        assertTrue(reason.contains("example.com"), reason);   // RFC 2818 §3.1: the name must match
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void garbageInsteadOfAClientHelloFailsCleanlyWithAReason(long seed) throws Exception {
        Random random = new Random(seed);
        for (boolean plausibleHeader : new boolean[] {false, true}) {
            byte[] garbage = randomBytes(200 + random.nextInt(2000), seed);
            if (plausibleHeader) {   // a handshake record header, then nonsense: the engine must judge it
                garbage[0] = 0x16;
                garbage[1] = 0x03;
                garbage[2] = 0x01;
                garbage[3] = 0;
                garbage[4] = (byte) 100;
            } else if (garbage[0] >= 20 && garbage[0] <= 24) {
                garbage[0] = 0;
            }
            TlsPair pair = TlsPair.standard(Tasks.QUEUED, TlsPair.random(seed)).start();
            pair.client.wire.clear();
            pair.client.wire.add(ByteBuffer.wrap(garbage));
            pair.deliver(pair.client, pair.server);
            pair.runQueuedTasks();
            TlsPair.Side server = pair.server;
            assertEquals(TlsLayer.State.CLOSED, server.layer.state());
            SSLException failure = assertInstanceOf(SSLException.class, server.closeCause);
            assertTrue(failure.getMessage().length() > 20, failure.getMessage());
            assertTrue(server.transportClosed);
            server.assertEvents("close");
            if (!plausibleHeader) {
                assertTrue(failure.getMessage().startsWith("not TLS: "), failure.getMessage());
                assertTrue(server.wire.isEmpty(), "no alert for a peer that does not speak TLS");
            } else {
                assertInstanceOf(SSLHandshakeException.class, failure);
                assertEquals(21, server.takeWire()[0], "the engine's alert record goes out (RFC 8446 §6.2)");
            }
        }
    }

    @Test
    void plainHttpSentToTheServerIsNamedAsSuch() throws Exception {
        TlsPair pair = TlsPair.standard(Tasks.DIRECT, TlsPair.ONE_BYTE).start();
        pair.client.wire.clear();
        pair.client.wire.add(ByteBuffer.wrap(REQUEST.getBytes(StandardCharsets.US_ASCII)));
        pair.deliver(pair.client, pair.server);
        String reason = pair.server.closeCause.getMessage();
        assertEquals("not TLS: where a record should start, the bytes are 47 45 54 20 2f (\"GET /\"):"
                + " a plain HTTP request sent to a TLS port", reason);
    }

    @Test
    void aRecordLongerThanTheEngineTakesIsRefusedByTheEngine() throws Exception {
        TlsPair pair = TlsPair.standard(Tasks.DIRECT, TlsPair.ALL_AT_ONCE).start();
        pair.settle();
        pair.server.layer.receive(ByteBuffer.wrap(new byte[] {23, 3, 3, (byte) 0xFF, (byte) 0xFF, 1, 2, 3}));
        String reason = pair.server.closeCause.getMessage();
        assertTrue(reason.startsWith("TLS failed: ") && reason.contains("too big"), reason);
        assertNull(pair.client.closeCause);
    }

    @Test
    void theHandshakeRecordsTheAgreement() throws Exception {
        TlsPair pair = TlsPair.standard(Tasks.DIRECT, TlsPair.ALL_AT_ONCE).start();
        assertNull(pair.client.layer.handshake());
        pair.settle();
        TlsHandshake agreed = pair.client.layer.handshake();
        assertNotNull(agreed);
        assertEquals("TLSv1.3", agreed.protocol());
        assertTrue(agreed.cipherSuite().startsWith("TLS_"), agreed.cipherSuite());
    }

    static SSLEngine forced(SSLEngine engine, String protocol) {
        engine.setEnabledProtocols(new String[] {protocol});
        return engine;
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code bytes} as copies of random pieces, so that the layer owns each buffer. */
    static void writeInRandomPieces(TlsLayer layer, byte[] bytes, Random random) {
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 100 : 50_000));
            layer.write(ByteBuffer.wrap(Arrays.copyOfRange(bytes, at, at + n)));
            at += n;
        }
    }
}

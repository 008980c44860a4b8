package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.TlsLayer.State;
import io.rawloop.loop.TlsPair.Tasks;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Closing a {@link TlsLayer} in every state, from either end or both at once, and the ends
 * that are not closes: a transport that ends without close_notify (truncation), during the
 * handshake, or with an error of its own.
 */
@Timeout(60)
class TlsCloseTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void closeAfterTheHandshakeSendsWhatWasWrittenThenCloseNotifyAndBothEndsCloseCleanly(String protocol)
            throws Exception {
        TlsPair pair = open(protocol, Tasks.DIRECT);
        pair.client.send("last words");
        pair.client.layer.close();
        assertEquals(State.CLOSE_SENT, pair.client.layer.state(), "waiting for the server's close_notify");
        assertFalse(pair.client.transportClosed);
        pair.settle();
        assertEquals("last words", pair.server.text());
        for (TlsPair.Side side : new TlsPair.Side[] {pair.client, pair.server}) {
            assertEquals(State.CLOSED, side.layer.state());
            assertNull(side.closeCause, side.name + " closed cleanly");
            assertTrue(side.transportClosed, side.name + " closed its transport");
        }
        pair.client.assertEvents("handshake", "close");
        pair.server.assertEvents("handshake", "data", "peer-closed", "close");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void bothEndsClosingAtOnceCloseCleanly(String protocol) throws Exception {
        TlsPair pair = open(protocol, Tasks.DIRECT);
        pair.client.layer.close();
        pair.server.layer.close();
        pair.settle();
        for (TlsPair.Side side : new TlsPair.Side[] {pair.client, pair.server}) {
            assertNull(side.closeCause, side.name);
            assertTrue(side.transportClosed, side.name);
            side.assertEvents("handshake", "close");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void theClientClosingDuringTheHandshakeAbandonsItAndTheServerFailsWithAReason(String protocol)
            throws Exception {
        TlsPair pair = new TlsPair(TlsLayerTest.forced(TestCertificates.clientEngine(), protocol),
                TestCertificates.serverEngine(), Tasks.DIRECT, TlsPair.ALL_AT_ONCE).start();
        assertFalse(pair.client.wire.isEmpty(), "the ClientHello is on its way");
        pair.client.layer.close();   // user_canceled and close_notify follow it
        assertEquals(State.CLOSED, pair.client.layer.state(), "no waiting: the handshake is abandoned");
        assertNull(pair.client.closeCause);
        pair.client.assertEvents("close");
        pair.settle();
        SSLHandshakeException failure = assertInstanceOf(SSLHandshakeException.class, pair.server.closeCause);
        assertTrue(failure.getMessage().startsWith("TLS handshake failed: ") && failure.getMessage().length() > 30,
                failure.getMessage());
        pair.server.assertEvents("close");
    }

    @Test
    void closingWhileADelegatedTaskRunsClosesAtOnceAndTheTaskComingBackChangesNothing() throws Exception {
        TlsPair pair = TlsPair.standard(Tasks.QUEUED, TlsPair.ALL_AT_ONCE).start();
        pair.deliver(pair.client, pair.server);
        assertEquals(1, pair.queuedTasks());
        pair.server.layer.close();
        assertEquals(State.CLOSED, pair.server.layer.state());
        assertTrue(pair.server.transportClosed);
        pair.runQueuedTasks();
        assertTrue(pair.server.wire.isEmpty(), "nothing sent after the close");
        pair.settle();
        pair.server.assertEvents("close");
        String reason = assertInstanceOf(SSLHandshakeException.class, pair.client.closeCause).getMessage();
        assertEquals("the connection closed during the TLS handshake, with no alert: the peer gave up", reason);
    }

    @Test
    void theTransportEndingWithoutCloseNotifyIsATruncationNotAClose() throws Exception {
        TlsPair pair = open("TLSv1.3", Tasks.DIRECT);
        pair.client.send("partial");
        pair.client.layer.transportClosed(new IOException("killed"));   // the client's process dies...
        pair.client.transportClosed = true;                              // ...its kernel sends FIN, no close_notify
        pair.settle();
        assertEquals("partial", pair.server.text(), "what arrived before the FIN is delivered");
        assertInstanceOf(TlsTruncationException.class, pair.server.closeCause);
        assertTrue(pair.server.transportClosed);
        pair.server.assertEvents("handshake", "data", "close");
    }

    @Test
    void theTransportEndingInTheMiddleOfARecordIsATruncation() throws Exception {
        TlsPair pair = open("TLSv1.2", Tasks.DIRECT);
        pair.client.send("x".repeat(1000));
        byte[] record = pair.client.takeWire();
        pair.server.layer.receive(ByteBuffer.wrap(record, 0, record.length / 2));
        pair.server.layer.receiveEndOfStream();
        assertInstanceOf(TlsTruncationException.class, pair.server.closeCause);
        assertEquals("", pair.server.text());
    }

    @Test
    void theTransportEndingDuringTheHandshakeIsAHandshakeFailureNotATruncation() throws Exception {
        TlsPair pair = TlsPair.standard(Tasks.DIRECT, TlsPair.ALL_AT_ONCE).start();
        pair.deliver(pair.client, pair.server);
        pair.server.layer.receiveEndOfStream();
        Throwable cause = pair.server.closeCause;
        assertInstanceOf(SSLHandshakeException.class, cause);
        assertFalse(cause instanceof TlsTruncationException);
    }

    @Test
    void aFinAfterOurCloseNotifyIsACleanClose() throws Exception {
        TlsPair pair = open("TLSv1.3", Tasks.DIRECT);
        pair.client.layer.close();
        pair.client.wire.clear();             // the server never reads our close_notify...
        pair.server.transportClosed = true;   // ...and hangs up instead of answering
        pair.deliver(pair.server, pair.client);
        assertEquals(State.CLOSED, pair.client.layer.state());
        assertNull(pair.client.closeCause, "we asked to close: nothing was lost");
    }

    @Test
    void inTls13ThePeersCloseNotifyClosesOnlyItsSideAndWeMayGoOnWriting() throws Exception {
        TlsPair pair = open("TLSv1.3", Tasks.DIRECT);
        pair.server.closeWhenPeerCloses = false;
        pair.client.layer.close();
        pair.settle();
        assertEquals(State.CLOSE_RECEIVED, pair.server.layer.state());
        assertEquals(State.CLOSE_SENT, pair.client.layer.state());
        pair.server.send("after your close_notify");   // RFC 8446 §6.1: a half-close
        pair.settle();
        assertEquals("after your close_notify", pair.client.text());
        pair.server.layer.close();
        pair.settle();
        assertNull(pair.server.closeCause);
        assertNull(pair.client.closeCause);
        pair.server.assertEvents("handshake", "peer-closed", "close");
        pair.client.assertEvents("handshake", "data", "close");
    }

    @Test
    void inTls12ThePeersCloseNotifyIsAnsweredAtOnceAndLaterWritesAreDropped() throws Exception {
        TlsPair pair = open("TLSv1.2", Tasks.DIRECT);
        pair.server.closeWhenPeerCloses = false;
        pair.client.layer.close();
        pair.settle();
        assertEquals(State.CLOSED, pair.server.layer.state(), "RFC 5246 §7.2.1: answer and close down");
        pair.server.send("too late");
        pair.settle();
        assertEquals("", pair.client.text());
        assertNull(pair.client.closeCause);
        assertNull(pair.server.closeCause);
    }

    @Test
    void aTransportThatClosesByItselfIsReportedWithItsCauseAndNotClosedAgain() throws Exception {
        TlsPair pair = open("TLSv1.3", Tasks.DIRECT);
        IOException reset = new IOException("Connection reset by peer");
        pair.server.layer.transportClosed(reset);
        assertSame(reset, pair.server.closeCause);
        assertFalse(pair.server.transportClosed, "TlsTransport.close is not called on a closed transport");
        pair.server.layer.transportClosed(null);   // a second report changes nothing
        pair.server.assertEvents("handshake", "close");
    }

    @Test
    void aTransportClosingCleanlyBeforeCloseNotifyIsStillATruncation() throws Exception {
        TlsPair pair = open("TLSv1.3", Tasks.DIRECT);
        pair.server.layer.transportClosed(null);
        assertInstanceOf(TlsTruncationException.class, pair.server.closeCause);
    }

    @Test
    void writeAfterCloseThrowsAndWriteAfterClosedIsDropped() throws Exception {
        TlsPair pair = open("TLSv1.3", Tasks.DIRECT);
        pair.client.layer.close();
        pair.client.layer.close();   // idempotent
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> pair.client.send("no"));
        assertTrue(refused.getMessage().contains("write after close()"), refused.getMessage());
        pair.settle();
        assertEquals(State.CLOSED, pair.client.layer.state());
        pair.client.send("dropped");   // the handler was told through onClose
        pair.client.layer.receive(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertTrue(pair.client.wire.isEmpty());
        pair.client.assertEvents("handshake", "close");
    }

    /** A pair whose handshake is done, with the client forced to {@code protocol}. */
    private static TlsPair open(String protocol, Tasks tasks) throws Exception {
        SSLEngine client = TlsLayerTest.forced(TestCertificates.clientEngine(), protocol);
        TlsPair pair = new TlsPair(client, TestCertificates.serverEngine(), tasks, TlsPair.random(11)).start();
        pair.settle();
        assertEquals(State.OPEN, pair.client.layer.state());
        assertEquals(State.OPEN, pair.server.layer.state());
        return pair;
    }
}

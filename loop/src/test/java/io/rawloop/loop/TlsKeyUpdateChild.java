package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rawloop.loop.TlsPair.Tasks;
import java.security.Security;
import java.util.Random;

/**
 * The child JVM of {@link TlsKeyUpdateTest}: a client uploads 256 KiB to a server that writes
 * nothing, and prints how many records the server sent meanwhile. With the argument
 * {@code low-key-limit}, the JDK's key limit is lowered to 16 KiB first, so that the client's
 * engine sends a KeyUpdate asking for ours every 16 KiB (RFC 8446 §4.6.3).
 */
public final class TlsKeyUpdateChild {

    private TlsKeyUpdateChild() {
    }

    /** Runs the upload; prints {@code records from the server during the upload: N}. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("low-key-limit")) {
            // Read once, by a static initializer of the JDK's SSLCipher: before any TLS class loads.
            Security.setProperty("jdk.tls.keyLimits",
                    "AES/GCM/NoPadding KeyUpdate 2^14, ChaCha20-Poly1305 KeyUpdate 2^14");
        }
        TlsPair pair = TlsPair.standard(Tasks.QUEUED, TlsPair.random(5)).start();
        pair.settle();   // the handshake, and the server's NewSessionTicket
        assertEquals("TLSv1.3", pair.server.handshake.protocol());
        long before = pair.server.recordsSent;
        byte[] upload = TlsLayerTest.randomBytes(256 * 1024, 9);
        TlsLayerTest.writeInRandomPieces(pair.client.layer, upload, new Random(10));
        pair.settle();
        long duringTheUpload = pair.server.recordsSent - before;
        assertArrayEquals(upload, pair.server.received.toByteArray(), "the upload survives the key changes");
        assertNull(pair.client.closeCause);
        assertNull(pair.server.closeCause);
        pair.server.send("the server's answers were under its new key");
        pair.settle();
        assertEquals("the server's answers were under its new key", pair.client.text());
        System.out.println("records from the server during the upload: " + duringTheUpload);
    }
}

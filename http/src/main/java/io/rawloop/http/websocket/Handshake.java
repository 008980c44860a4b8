package io.rawloop.http.websocket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Random;

/**
 * The opening handshake's arithmetic (RFC 6455 §4): the client's random key and the server's
 * proof that it read it. The header checks themselves are the server's and the client's.
 */
public final class Handshake {

    /** The GUID every server appends to the key (§1.3). */
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** The only version RFC 6455 defines, the value of Sec-WebSocket-Version. */
    public static final String VERSION = "13";

    private Handshake() {
    }

    /** Sec-WebSocket-Accept for {@code key}: base64(SHA-1(key + GUID)) (§4.2.2 step 5.4). */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key.strip() + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** True if {@code key} is base64 of exactly 16 bytes, as §4.1 requires of the client's nonce. */
    public static boolean isValidKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.strip()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A fresh client key: 16 random bytes in base64. */
    public static String newKey(Random random) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }
}

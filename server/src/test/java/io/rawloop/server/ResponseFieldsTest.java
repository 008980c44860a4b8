package io.rawloop.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A response's fields are kept as the encoded lines of its head; lookups read them back. */
class ResponseFieldsTest {

    @Test
    void fieldsAreEncodedOnceInOrderAndReadBackIgnoringCase() {
        Response r = Response.text(200, "hi").header("X-Id", "a b").header("Cache-Control", "no-store")
                .header("x-id", "second");
        assertArrayEquals(("Content-Type: text/plain; charset=utf-8\r\nX-Id: a b\r\n"
                        + "Cache-Control: no-store\r\nx-id: second\r\n").getBytes(StandardCharsets.ISO_8859_1),
                r.fieldLines());
        assertEquals("a b", r.header("x-ID"), "the first of two, whatever the case");
        assertEquals("no-store", r.header("cache-control"));
        assertNull(r.header("X"), "a prefix of a name is not the name");
        assertNull(r.header("Cache-Control-Extension"));
    }

    @Test
    void obsTextValuesKeepTheirBytes() {
        Response r = Response.of(204).header("X-Name", "caf\u00e9");
        assertEquals("caf\u00e9", r.header("X-Name"));
        assertEquals((byte) 0xE9, r.fieldLines()["X-Name: caf".length()]);
    }

    @Test
    void connectionCloseIsFoundAmongOptions() {
        assertTrue(Response.of(200).header("Connection", "keep-alive, Close").saysClose());
        assertFalse(Response.of(200).header("Connection", "closed").saysClose());
        assertFalse(Response.of(200).header("X-Connection", "close").saysClose());
        assertFalse(Response.of(200).saysClose());
    }
}

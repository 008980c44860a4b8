package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rawloop.loop.TlsPair.Tasks;
import io.rawloop.loop.TlsRecords.Opening;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The record layer read without decrypting: the header's length, and TLS told from plain HTTP. */
class TlsRecordsTest {

    @Test
    void aRealClientHelloIsTlsFromItsSecondByte() throws Exception {
        TlsPair pair = TlsPair.standard(Tasks.DIRECT, TlsPair.ALL_AT_ONCE).start();
        byte[] clientHello = pair.client.takeWire();
        assertEquals(Opening.NEED_MORE, TlsRecords.classify(ByteBuffer.wrap(clientHello, 0, 1)));
        ByteBuffer whole = ByteBuffer.wrap(clientHello);
        assertEquals(Opening.TLS, TlsRecords.classify(whole));
        assertEquals(0, whole.position(), "classify does not move the buffer");
        assertEquals(Opening.TLS, TlsRecords.classify(ByteBuffer.wrap(clientHello, 0, 2)));

        ByteBuffer filling = ByteBuffer.allocate(clientHello.length).put(clientHello);
        assertEquals(clientHello.length, TlsRecords.firstRecordLength(filling), "the ClientHello is one record");
        assertEquals(0, TlsRecords.firstRecordLength(ByteBuffer.allocate(10).put(clientHello, 0, 4)));
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource(delimiter = '|', value = {
        "GET / HTTP/1.1|PLAIN_HTTP",
        "POST /form HTTP/1.1|PLAIN_HTTP",
        "PRI * HTTP/2.0|PLAIN_HTTP",
        "get /|PLAIN_HTTP",
        "M-SEARCH * HTTP/1.1|PLAIN_HTTP",
        "GET|NEED_MORE",
        "UPDATEREDIRECTREF|NEED_MORE",
        "GE\u0001 /|UNKNOWN",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ /|UNKNOWN",
        "1GET /|UNKNOWN",
        "' GET /'|UNKNOWN",
    })
    void textIsPlainHttpOnlyWhenItStartsWithAMethodAndASpace(String text, Opening expected) {
        assertEquals(expected, TlsRecords.classify(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void otherOpeningsAreUnknownOrTooShort() {
        assertEquals(Opening.NEED_MORE, TlsRecords.classify(ByteBuffer.allocate(0)));
        assertEquals(Opening.UNKNOWN, TlsRecords.classify(ByteBuffer.wrap(new byte[] {0x16, 0x02})));
        assertEquals(Opening.UNKNOWN, TlsRecords.classify(ByteBuffer.wrap(new byte[] {(byte) 0x80, 0x2e, 0x01})),
                "an SSLv2-format hello, which TLS 1.2 and 1.3 never send");
        assertEquals(Opening.UNKNOWN, TlsRecords.classify(ByteBuffer.wrap(new byte[] {23, 3, 3, 0, 10})),
                "application data is no way to open a connection");
        ByteBuffer atAnOffset = ByteBuffer.wrap("xxGET / ".getBytes(StandardCharsets.US_ASCII)).position(2);
        assertEquals(Opening.PLAIN_HTTP, TlsRecords.classify(atAnOffset), "read from the position");
    }

    @Test
    void aHeaderNoRecordHasIsNotARecord() {
        assertEquals(TlsRecords.NOT_A_RECORD, TlsRecords.firstRecordLength(bytes('G', 'E', 'T', ' ', '/')));
        assertEquals(TlsRecords.NOT_A_RECORD, TlsRecords.firstRecordLength(bytes(25, 3, 3, 0, 1)), "type 25");
        assertEquals(TlsRecords.NOT_A_RECORD, TlsRecords.firstRecordLength(bytes(22, 2, 0, 0, 1)), "SSL 2");
        assertEquals(5 + 0xFFFF, TlsRecords.firstRecordLength(bytes(23, 3, 3, 0xFF, 0xFF)),
                "too long for TLS, but a record header: the engine judges it");
        assertEquals(5 + 0x1234, TlsRecords.firstRecordLength(bytes(21, 3, 4, 0x12, 0x34)));
    }

    private static ByteBuffer bytes(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length);
        for (int v : values) {
            buffer.put((byte) v);
        }
        return buffer;   // being filled: the bytes are 0 to position
    }
}

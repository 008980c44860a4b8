package io.rawloop.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the writer produces, read back by our own parsers. */
class WriterTest {

    @Test
    void aChunkedResponseWithTrailersRoundTrips() throws HttpException {
        HttpWriter w = new HttpWriter();
        w.status(HttpVersion.HTTP_1_1, 200).date().field("Content-Type", "text/plain").chunked().endHead()
                .chunk(ByteBuffer.wrap("Hello, ".getBytes(StandardCharsets.US_ASCII)))
                .chunk(ByteBuffer.allocate(0))
                .chunk(ByteBuffer.wrap("World!".getBytes(StandardCharsets.US_ASCII)))
                .lastChunk(Headers.of("X-Checksum", "abc"));
        ByteBuffer wire = w.take();
        assertEquals(0, w.length(), "take() empties the writer");
        ResponseParser parser = new ResponseParser();
        assertEquals(HttpEvent.HEAD, parser.parse(wire));
        assertEquals(200, parser.head().status());
        assertEquals("OK", parser.head().reason());
        assertTrue(parser.head().headers().get("Date").matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"));
        StringBuilder body = new StringBuilder();
        HttpEvent e;
        while ((e = parser.parse(wire)) == HttpEvent.BODY) {
            body.append(StandardCharsets.US_ASCII.decode(parser.body()));
        }
        assertEquals(HttpEvent.COMPLETE, e);
        assertEquals("Hello, World!", body.toString());
        assertEquals("abc", parser.trailers().get("x-checksum"));
    }

    @Test
    void aRequestWithContentLengthRoundTrips() throws HttpException {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer wire = new HttpWriter().requestLine("POST", "/echo?x=1").field("Host", "example.com")
                .contentLength(body.length).endHead().body(body).take();
        RequestParser parser = new RequestParser();
        assertEquals(HttpEvent.HEAD, parser.parse(wire));
        assertEquals("POST", parser.head().method());
        assertEquals("/echo?x=1", parser.head().target());
        assertEquals(body.length, parser.head().contentLength());
        assertEquals(HttpEvent.BODY, parser.parse(wire));
        assertEquals("{\"a\":1}", StandardCharsets.US_ASCII.decode(parser.body()).toString());
    }

    @Test
    void valuesThatWouldSplitTheMessageAreRefused() {
        HttpWriter w = new HttpWriter();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.field("Location", "/a\r\nSet-Cookie: stolen=1"));
        assertTrue(e.getMessage().contains("CR and LF would split the message"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.field("Bad Name", "x"));
        assertThrows(IllegalArgumentException.class, () -> w.requestLine("GET", "/a b"));
        assertThrows(IllegalArgumentException.class, () -> w.status(HttpVersion.HTTP_1_1, 1000));
    }

    @Test
    void theDateLineIsFormattedOncePerSecondWithATwoDigitDay() {
        long fourthOfJuly = 1_783_123_200_000L;   // 2026-07-04T00:00:00Z
        byte[] first = DateHeader.line(fourthOfJuly + 10);
        assertSame(first, DateHeader.line(fourthOfJuly + 999), "same second, same bytes");
        assertEquals("Date: Sat, 04 Jul 2026 00:00:00 GMT\r\n", new String(first, StandardCharsets.US_ASCII));
    }

    @Test
    void statusLinesCarryTheRfcReasonPhrases() {
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large\r\n",
                new String(StatusLines.of(HttpVersion.HTTP_1_1, 431), StandardCharsets.US_ASCII));
        assertEquals("HTTP/1.0 404 Not Found\r\n", new String(StatusLines.of(HttpVersion.HTTP_1_0, 404), StandardCharsets.US_ASCII));
    }
}

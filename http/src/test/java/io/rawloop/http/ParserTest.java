package io.rawloop.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsers' behaviour beyond verdicts: events, slices, framing rules, pipelining. */
class ParserTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void pipelinedRequestsComeOutOneByOneWithTheirBodies() throws HttpException {
        RequestParser parser = new RequestParser();
        ByteBuffer in = bytes("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n");
        assertEquals(HttpEvent.HEAD, parser.parse(in));
        assertEquals("/a", parser.head().target());
        assertEquals(HttpEvent.COMPLETE, parser.parse(in));
        assertEquals(HttpEvent.HEAD, parser.parse(in));
        assertEquals(BodyFraming.LENGTH, parser.head().framing());
        assertEquals(HttpEvent.BODY, parser.parse(in));
        ByteBuffer body = parser.body();
        assertSame(in.array(), body.array(), "the body is a slice of the input, not a copy");
        assertEquals("hello", StandardCharsets.US_ASCII.decode(body).toString());
        assertEquals(HttpEvent.COMPLETE, parser.parse(in));
        assertEquals(HttpEvent.HEAD, parser.parse(in));
        StringBuilder chunks = new StringBuilder();
        HttpEvent e;
        while ((e = parser.parse(in)) == HttpEvent.BODY) {
            chunks.append(StandardCharsets.US_ASCII.decode(parser.body()));
        }
        assertEquals(HttpEvent.COMPLETE, e);
        assertEquals("abcde", chunks.toString());
        assertEquals("1", parser.trailers().get("t"));
        assertTrue(parser.atMessageBoundary());
        assertEquals(HttpEvent.NEED_MORE, parser.parse(in));
        assertEquals(HttpEvent.NEED_MORE, parser.finish(), "closing between requests is clean");
    }

    @Test
    void closingInTheMiddleOfARequestIsAnError() throws HttpException {
        RequestParser parser = new RequestParser();
        parser.parse(bytes("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhel"));
        HttpException e = assertThrows(HttpException.class, parser::finish);
        assertEquals(400, e.status());
        assertTrue(e.reason().contains("middle of the body"), e.reason());
    }

    @Test
    void aRejectionSticks() {
        RequestParser parser = new RequestParser();
        HttpException first = assertThrows(HttpException.class, () -> parser.parse(bytes("GET / HTTP/1.1\nx")));
        HttpException again = assertThrows(HttpException.class, () -> parser.parse(bytes("GET / HTTP/1.1\r\n\r\n")));
        assertSame(first, again);
        assertEquals(14, first.offset(), "the offset of the bare LF");
    }

    @Test
    void keepAliveFollowsTheVersionAndConnectionHeader() throws HttpException {
        assertTrue(head("GET / HTTP/1.1\r\nHost: x\r\n\r\n").keepAlive());
        assertFalse(head("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").keepAlive());
        assertFalse(head("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertTrue(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive());
        assertFalse(head("GET / HTTP/1.1\r\nConnection: upgrade, CLOSE\r\n\r\n").keepAlive());
        assertTrue(head("PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").expectsContinue());
    }

    private static RequestHead head(String request) throws HttpException {
        RequestParser parser = new RequestParser();
        assertEquals(HttpEvent.HEAD, parser.parse(bytes(request)));
        return parser.head();
    }

    @Test
    void aKeepAliveConnectionAskingTheSamePathAgainGetsTheSameTargetStringUntilItIsIdle() throws HttpException {
        RequestParser parser = new RequestParser();
        ByteBuffer in = bytes("GET /same HTTP/1.1\r\nHost: x\r\n\r\n".repeat(2) + "GET /samf HTTP/1.1\r\nHost: x\r\n\r\n");
        String[] targets = new String[3];
        for (int i = 0; i < 3; i++) {
            assertEquals(HttpEvent.HEAD, parser.parse(in));
            targets[i] = parser.head().target();
            assertEquals(HttpEvent.COMPLETE, parser.parse(in));
        }
        assertSame(targets[0], targets[1], "the same bytes: the String is shared");
        assertEquals("/samf", targets[2], "one byte differs: a String of its own");
        parser.forgetMessage();   // idle: the connection keeps nothing of its last request
        assertEquals(HttpEvent.HEAD, parser.parse(bytes("GET /samf HTTP/1.1\r\nHost: x\r\n\r\n")));
        assertEquals("/samf", parser.head().target());
        assertFalse(parser.head().target() == targets[2], "forgotten when idle");
    }

    @Test
    void aConnectRequestLeavesTheTunnelBytesInTheBuffer() throws HttpException {
        RequestParser parser = new RequestParser();
        ByteBuffer in = bytes("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\nContent-Length: 4\r\n\r\nTLS!");
        assertEquals(HttpEvent.HEAD, parser.parse(in));
        assertEquals(BodyFraming.NONE, parser.head().framing(), "CONNECT has no content (RFC 9110 §9.3.6)");
        assertEquals(HttpEvent.COMPLETE, parser.parse(in));
        assertEquals(HttpEvent.NEED_MORE, parser.parse(in));
        assertTrue(parser.switchedProtocol());
        assertEquals(4, in.remaining(), "the tunnel's bytes are left for whoever takes over");
    }

    @Test
    void responsesToHeadAnd204And304HaveNoBodyAnd1xxIsSkipped() throws HttpException {
        ResponseParser parser = new ResponseParser();
        parser.expectResponseTo("HEAD");
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        assertEquals(HttpEvent.HEAD, parser.parse(in));
        assertEquals(BodyFraming.NONE, parser.head().framing());
        assertEquals(HttpEvent.COMPLETE, parser.parse(in));

        parser.expectResponseTo("GET");
        in = bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"
                + "HTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok");
        List<Integer> statuses = new java.util.ArrayList<>();
        for (HttpEvent e; (e = parser.parse(in)) != HttpEvent.NEED_MORE; ) {
            if (e == HttpEvent.HEAD) {
                statuses.add(parser.head().status());
            }
        }
        assertEquals(List.of(204, 304, 200), statuses, "interim responses are skipped to the final one");
        assertEquals("", parser.head().reason(), "a status line without a reason phrase is fine");
    }

    @Test
    void aResponseWithoutLengthEndsWhenTheConnectionDoes() throws HttpException {
        ResponseParser parser = new ResponseParser();
        ByteBuffer in = bytes("HTTP/1.0 200 OK\r\n\r\nall of this");
        assertEquals(HttpEvent.HEAD, parser.parse(in));
        assertEquals(BodyFraming.CLOSE, parser.head().framing());
        assertFalse(parser.head().keepAlive());
        assertEquals(HttpEvent.BODY, parser.parse(in));
        assertEquals("all of this", StandardCharsets.US_ASCII.decode(parser.body()).toString());
        assertEquals(HttpEvent.NEED_MORE, parser.parse(in));
        assertEquals(HttpEvent.COMPLETE, parser.finish());
    }

    @Test
    void after101TheRestIsNotHttp() throws HttpException {
        ResponseParser parser = new ResponseParser();
        ByteBuffer in = bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0005hello");
        assertEquals(HttpEvent.HEAD, parser.parse(in));
        assertEquals(HttpEvent.COMPLETE, parser.parse(in));
        assertEquals(HttpEvent.NEED_MORE, parser.parse(in));
        assertTrue(parser.switchedProtocol());
        assertEquals(7, in.remaining());
    }

    @Test
    void headersAreCaseInsensitiveOrderedAndKeepEveryValue() throws HttpException {
        Headers h = head("GET / HTTP/1.1\r\nHost: x\r\nAccept: a\r\nACCEPT:  b  \r\nX-Empty:\r\n\r\n").headers();
        assertEquals(4, h.size());
        assertEquals("Accept", h.name(1));
        assertEquals(List.of("a", "b"), h.getAll("accept"));
        assertEquals("", h.get("x-empty"));
        assertEquals(null, h.get("missing"));
        assertTrue(h.nameIs(3, "x-EMPTY"));
        assertEquals(Headers.of("host", "x", "accept", "a", "accept", "b", "x-empty", ""), h);
    }

    @Test
    void aMessageIsParsedAsOctetsNotCharacters() throws HttpException {
        // U+010A in UTF-8 is C4 8A; read as characters in UTF-16 it would hold 0x0A, a LF.
        Headers h = head("GET / HTTP/1.1\r\nHost: x\r\nX: \u00c4\u008a\u00ff\r\n\r\n").headers();
        assertEquals(2, h.size());
        assertEquals("\u00c4\u008a\u00ff", h.get("x"), "obs-text is kept octet by octet");
    }

    @Test
    void requestFramingIsIndependentOfTheMethod() throws HttpException {
        RequestParser parser = new RequestParser();
        ByteBuffer in = bytes("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                + "BREW /pot HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"
                + "DELETE /b HTTP/1.1\r\nHost: x\r\n\r\n");
        for (String[] expected : new String[][] {{"GET", "abc"}, {"BREW", "ok"}, {"DELETE", ""}}) {
            assertEquals(HttpEvent.HEAD, parser.parse(in));
            assertEquals(expected[0], parser.head().method());
            StringBuilder body = new StringBuilder();
            HttpEvent e;
            while ((e = parser.parse(in)) == HttpEvent.BODY) {
                body.append(StandardCharsets.US_ASCII.decode(parser.body()));
            }
            assertEquals(HttpEvent.COMPLETE, e);
            assertEquals(expected[1], body.toString(), "a body is there when Content-Length says so, whatever the method");
        }
        assertFalse(in.hasRemaining());
    }

    @Test
    void aResponseWhoseCodingsDoNotEndInChunkedIsReadUntilTheClose() throws HttpException {
        for (String codings : List.of("gzip", "chunked, gzip")) {
            ResponseParser parser = new ResponseParser();
            ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: " + codings + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            assertEquals(HttpEvent.HEAD, parser.parse(in));
            assertEquals(BodyFraming.CLOSE, parser.head().framing(), codings);
            assertFalse(parser.head().keepAlive());
            assertEquals(HttpEvent.BODY, parser.parse(in));
            assertEquals("5\r\nhello\r\n0\r\n\r\n", StandardCharsets.US_ASCII.decode(parser.body()).toString());
            assertEquals(HttpEvent.COMPLETE, parser.finish());
        }
    }

    @Test
    void aHigherMinorVersionIsReadAsHttp11AndAnotherMajorIs505() throws HttpException {
        assertEquals(HttpVersion.HTTP_1_1, head("GET / HTTP/1.2\r\nHost: x\r\n\r\n").version());
        assertEquals(HttpVersion.HTTP_1_1, head("GET / HTTP/1.9\r\nHost: x\r\n\r\n").version());
        ResponseParser responses = new ResponseParser();
        assertEquals(HttpEvent.HEAD, responses.parse(bytes("HTTP/1.5 200 OK\r\nContent-Length: 0\r\n\r\n")));
        assertEquals(HttpVersion.HTTP_1_1, responses.head().version());
        HttpException e = assertThrows(HttpException.class,
                () -> new RequestParser().parse(bytes("GET / HTTP/3.0\r\nHost: x\r\n\r\n")));
        assertEquals(505, e.status());
        assertEquals("HTTP version 3.0 is not supported: only HTTP/1.1 and HTTP/1.0 are", e.reason(),
                "the 505 says why and what is supported (RFC 9110 §15.6.6)");
    }

    @Test
    void anHttp10MessageWithTransferEncodingIsNeverKeptAlive() throws HttpException {
        assertFalse(head("POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                .keepAlive());
        assertTrue(head("POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").keepAlive());
        ResponseParser parser = new ResponseParser();
        assertEquals(HttpEvent.HEAD, parser.parse(bytes(
                "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")));
        assertEquals(BodyFraming.CHUNKED, parser.head().framing(), "the message is still read");
        assertFalse(parser.head().keepAlive(), "but the connection is not reused (RFC 9112 §6.1)");
    }

    @Test
    void anHttp10ExpectationOf100ContinueIsIgnored() throws HttpException {
        assertFalse(head("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").expectsContinue());
        assertTrue(head("PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
                .expectsContinue());
    }

    @Test
    void a2xxToConnectIsATunnelWhateverItsFramingFieldsSay() throws HttpException {
        ResponseParser parser = new ResponseParser();
        parser.expectResponseTo("CONNECT");
        ByteBuffer in = bytes("HTTP/1.1 200 Connection Established\r\nContent-Length: 10\r\n"
                + "Transfer-Encoding: chunked\r\n\r\ntunnel");
        assertEquals(HttpEvent.HEAD, parser.parse(in));
        assertEquals(BodyFraming.NONE, parser.head().framing());
        assertEquals(HttpEvent.COMPLETE, parser.parse(in));
        assertEquals(HttpEvent.NEED_MORE, parser.parse(in));
        assertTrue(parser.switchedProtocol());
        assertEquals(6, in.remaining(), "the tunnel's bytes are left in the buffer");

        ResponseParser refused = new ResponseParser();
        refused.expectResponseTo("CONNECT");
        ByteBuffer no = bytes("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 2\r\n\r\nno");
        assertEquals(HttpEvent.HEAD, refused.parse(no));
        assertEquals(BodyFraming.LENGTH, refused.head().framing(), "a refusal is an ordinary response");
        assertEquals(HttpEvent.BODY, refused.parse(no));
        assertEquals(HttpEvent.COMPLETE, refused.parse(no));
        assertFalse(refused.switchedProtocol());
    }

    @Test
    void unknownStatusCodesAreReadByTheirClass() throws HttpException {
        ResponseParser parser = new ResponseParser();
        ByteBuffer in = bytes("HTTP/1.1 199 Unknown Interim\r\n\r\n"
                + "HTTP/1.1 299 Unknown Success\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 600 Invalid\r\nContent-Length: 3\r\n\r\nbad");
        List<String> seen = new java.util.ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (HttpEvent e; (e = parser.parse(in)) != HttpEvent.NEED_MORE; ) {
            switch (e) {
                case HEAD -> body.setLength(0);
                case BODY -> body.append(StandardCharsets.US_ASCII.decode(parser.body()));
                case COMPLETE -> seen.add(parser.head().status() + " " + body);
                default -> { }
            }
        }
        assertEquals(List.of("299 ok", "600 bad"), seen,
                "an unknown 1xx is skipped like a 100, an unknown 2xx read like a 200, 600 like a 5xx");
    }
}

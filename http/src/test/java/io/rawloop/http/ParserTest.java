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
}

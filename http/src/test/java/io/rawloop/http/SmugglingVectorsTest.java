package io.rawloop.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Request smuggling and parser confusion: inputs two parsers could read two ways, each with the
 * one outcome we promise. 0 means accepted; anything else is the status of the rejection.
 * Every vector is also fed one byte at a time, with the same outcome required.
 */
public class SmugglingVectorsTest {

    /** The vectors: name, expected status (0: accepted), request bytes as ISO-8859-1 text. Public for the server's tests. */
    public static Stream<Arguments> vectors() {
        return Stream.of(
                v("two Content-Length values that disagree", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                v("two Content-Length fields that agree (refused anyway: one is enough)", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
                v("a Content-Length list", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello"),
                v("Content-Length and Transfer-Encoding together", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                v("Transfer-Encoding and Content-Length, the other order", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"),
                v("' chunked' with leading whitespace is plain OWS", 0,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:    chunked\r\n\r\n0\r\n\r\n"),
                v("whitespace before the colon of Transfer-Encoding", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                v("Transfer-Encoding folded onto a second line (obs-fold)", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"),
                v("chunked, identity: chunked not last", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                v("chunked twice", 400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
                v("chunked in two fields", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                v("a coding we do not decode, then chunked", 501,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                v("an empty Transfer-Encoding", 400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n"),
                v("chunkedchunked is not chunked", 400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunkedchunked\r\n\r\n"),
                v("0x chunk size", 400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"),
                v("Content-Length: +5", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello"),
                v("Content-Length: -1", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
                v("Content-Length with a space inside", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 0\r\n\r\n"),
                v("an empty Content-Length", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"),
                v("Content-Length past a long", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n"),
                v("a NUL in a header value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"),
                v("headers split by a bare CR", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\rTransfer-Encoding: chunked\r\n\r\n"),
                v("headers split by a bare LF", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\nTransfer-Encoding: chunked\r\n\r\n"),
                v("a request line ending in a bare LF", 400, "GET / HTTP/1.1\nHost: a\r\n\r\n"),
                v("a huge chunk size", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n"),
                v("a chunk larger than the body limit", 413,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n"),
                v("a chunk size line ending in a bare LF", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n"),
                v("chunk data longer than its size", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n"),
                v("a chunk extension with an unbalanced quote", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"x\r\nhello\r\n0\r\n\r\n"),
                v("a well-formed chunk extension", 0,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 ;a=\"x;y\" ; b=c\r\nhello\r\n0\r\n\r\n"),
                v("whitespace before a colon", 400, "GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
                v("a field line without a colon", 400, "GET / HTTP/1.1\r\nHost a\r\n\r\n"),
                v("an invalid character in a method", 400, "G(T / HTTP/1.1\r\nHost: a\r\n\r\n"),
                v("an invalid character in a field name", 400, "GET / HTTP/1.1\r\nHo@st: a\r\n\r\n"),
                v("a space inside the target", 400, "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"),
                v("a control character in the target", 400, "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n"),
                v("two spaces after the method", 400, "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"),
                v("HTTP/2.0 on an HTTP/1 connection", 505, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
                v("a lower-case version", 400, "GET / http/1.1\r\nHost: a\r\n\r\n"),
                v("an unknown method is a token: accepted (the server answers 501)", 0, "BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n"),
                v("empty lines before the request line are ignored (RFC 9112 §2.2)", 0, "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
                v("whitespace before the request line", 400, " GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
                v("a bare LF before the request line", 400, "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
                v("whitespace between the start line and the first field (RFC 9112 §2.2)", 400,
                        "GET / HTTP/1.1\r\n Host: a\r\n\r\n"),
                v("the HTTP/2 connection preface", 505, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
                v("HTTP/1.2 is read as HTTP/1.1 (RFC 9110 §2.5)", 0, "GET / HTTP/1.2\r\nHost: a\r\n\r\n"),
                v("a coding we do not decode, alone: the length is unknown", 400,
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nxyz"),
                v("absolute-form target", 0, "GET http://a.example/x?y HTTP/1.1\r\nHost: a.example\r\n\r\n"),
                v("asterisk-form target", 0, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    private static Arguments v(String name, int status, String request) {
        return Arguments.of(name, status, request);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void eachVectorHasItsOneOutcomeAtAnySplit(String name, int status, String request) {
        byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
        int whole = verdict(bytes, false);
        assertEquals(status, whole, name);
        assertEquals(whole, verdict(bytes, true), name + " (one byte at a time)");
    }

    /** 0 if every message parsed to completion, else the rejection's status. */
    static int verdict(byte[] bytes, boolean byteByByte) {
        RequestParser parser = new RequestParser();
        try {
            int step = byteByByte ? 1 : bytes.length;
            boolean complete = false;
            for (int from = 0; from < bytes.length; from += step) {
                ByteBuffer piece = ByteBuffer.wrap(bytes, from, Math.min(step, bytes.length - from));
                for (HttpEvent e; (e = parser.parse(piece)) != HttpEvent.NEED_MORE; ) {
                    complete = e == HttpEvent.COMPLETE || parser.switchedProtocol();
                }
            }
            assertTrue(complete, "the vector is a complete message");
            return 0;
        } catch (HttpException e) {
            return e.status();
        }
    }

    @Test
    void hostIsTheServersCheckWithTheParsersHelp() throws HttpException {
        assertEquals("more than one Host header", head("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n").hostProblem());
        assertEquals("more than one Host header", head("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n").hostProblem());
        assertEquals("HTTP/1.1 request without a Host header", head("GET / HTTP/1.1\r\n\r\n").hostProblem());
        assertEquals(null, head("GET / HTTP/1.0\r\n\r\n").hostProblem(), "HTTP/1.0 may omit Host");
        assertEquals(null, head("GET / HTTP/1.1\r\nHost: a\r\n\r\n").hostProblem());
    }

    @Test
    void aHostValueThatIsNotHostAndPortIsAProblem() throws HttpException {
        for (String bad : List.of("a b", "a/b", "user@a", "a:8o", "a:80:81", "[::1", "[]", "a%2", "a%zz")) {
            assertEquals("invalid Host header value (expected host[:port])",
                    head("GET / HTTP/1.1\r\nHost: " + bad + "\r\n\r\n").hostProblem(), bad);
        }
        for (String good : List.of("", "a.example", "a.example:8080", "127.0.0.1:80", "[::1]:8080", "[v1.x]", "a%2Db",
                "xn--bcher-kva.example", "a:")) {
            assertEquals(null, head("GET / HTTP/1.1\r\nHost: " + good + "\r\n\r\n").hostProblem(), good);
        }
    }

    @Test
    void everyOctetOfAHostNameIsJudgedByRfc3986() {
        // reg-name = *( unreserved / pct-encoded / sub-delims ), RFC 3986 §3.2.2 and §2.2-2.3,
        // spelled out here apart from the parser's own rules; ':', '%' and '[' have their own tests.
        String allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~" + "!$&'()*+,;=";
        for (int c = 0; c < 256; c++) {
            if (c == ':' || c == '%' || c == '[') {
                continue;
            }
            byte[] host = {'a', (byte) c, 'b'};
            assertEquals(allowed.indexOf(c) >= 0, RequestHead.validHost(host, 0, host.length), "octet 0x" + Integer.toHexString(c));
            // An IPvFuture literal ("v" HEXDIG "." then these octets or ':', §3.2.2) takes the same.
            byte[] literal = {'[', 'v', '1', '.', 'a', (byte) c, 'b', ']'};
            assertEquals(allowed.indexOf(c) >= 0, RequestHead.validHost(literal, 0, literal.length), "[v1.a octet 0x" + Integer.toHexString(c) + "]");
        }
    }

    private static RequestHead head(String request) throws HttpException {
        RequestParser parser = new RequestParser();
        parser.parse(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        return parser.head();
    }
}

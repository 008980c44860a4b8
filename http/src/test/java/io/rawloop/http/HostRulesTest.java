package io.rawloop.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 9112 §3.2's Host rules as {@link RequestHead#hostProblem} applies them, checked on the head's
 * bytes: exactly one Host on HTTP/1.1, at most one on HTTP/1.0, and a value that is
 * {@code uri-host [ ":" port ]} (RFC 9110 §7.2, RFC 3986 §3.2.2).
 */
class HostRulesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "ok", textBlock = """
            'Host: example.com'              | ok
            'Host: example.com:8080'         | ok
            'Host: 127.0.0.1:80'             | ok
            'Host: [::1]:8080'               | ok
            'Host: [v1.x]'                   | ok
            'Host: ex%41mple.com'            | ok
            'Host: '                         | ok
            'Host: a!$&''()*+,;=-._~'        | ok
            'Host: example.com:'             | ok
            'Host: example.com:80x'          | invalid Host header value (expected host[:port])
            'Host: exa mple.com'             | invalid Host header value (expected host[:port])
            'Host: ex%4'                     | invalid Host header value (expected host[:port])
            'Host: ex%zzample'               | invalid Host header value (expected host[:port])
            'Host: []'                       | invalid Host header value (expected host[:port])
            'Host: [::1'                     | invalid Host header value (expected host[:port])
            'Host: [::1]x'                   | invalid Host header value (expected host[:port])
            'Host: a/b'                      | invalid Host header value (expected host[:port])
            'Host: \u00e9t\u00e9'            | invalid Host header value (expected host[:port])
            'Host: a\\r\\nHost: a'             | more than one Host header
            'X: y'                           | HTTP/1.1 request without a Host header
            """)
    void theHostRules(String fields, String problem) throws HttpException {
        assertEquals(problem, head("GET / HTTP/1.1\r\n" + lines(fields) + "\r\n\r\n").hostProblem());
    }

    @ParameterizedTest(name = "HTTP/1.0 with {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "ok", textBlock = """
            'X: y'                  | ok
            'Host: a\\r\\nHost: b'    | more than one Host header
            """)
    void http10MayLeaveHostOutButNotSendTwo(String fields, String problem) throws HttpException {
        assertEquals(problem, head("GET / HTTP/1.0\r\n" + lines(fields) + "\r\n\r\n").hostProblem());
    }

    /** The tables write a line break between two fields as the four characters {@code \\r\\n}. */
    private static String lines(String fields) {
        return fields.replace("\\r\\n", "\r\n");
    }

    private static RequestHead head(String request) throws HttpException {
        RequestParser parser = new RequestParser();
        assertEquals(HttpEvent.HEAD, parser.parse(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1))));
        return parser.head();
    }
}

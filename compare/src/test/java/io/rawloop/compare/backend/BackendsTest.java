package io.rawloop.compare.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * All six HTTP back-ends answer every endpoint with the same bytes (the Date value aside), kept
 * alive and pipelined; nio-floor, which is no HTTP server, answers /hello with the same bytes too.
 */
@Timeout(120)
class BackendsTest {

    private static final List<String> TARGETS = List.of("/hello", "/json", "/sleep?ms=5", "/cpu?n=1000",
            "/cpu?n=1000&offload=true", "/nope", "/sleep?ms=x");

    @Test
    void everyBackendSendsTheSameBytes() throws Exception {
        Map<Backend, List<String>> answers = new LinkedHashMap<>();
        for (Backend b : Backend.values()) {
            if (!b.parsesHttp()) {
                continue;   // nio-floor answers everything with /hello: see nioFloorSendsHelloLikeTheOthers
            }
            try (Backend.Running running = b.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 Socket s = new Socket(InetAddress.getLoopbackAddress(), running.port())) {
                s.setSoTimeout(30_000);
                List<String> got = new ArrayList<>();
                for (String target : TARGETS) {   // one at a time, kept alive
                    s.getOutputStream().write(request(target));
                    got.add(readResponse(s.getInputStream()));
                }
                StringBuilder pipelined = new StringBuilder();   // all at once, in one write
                for (String target : TARGETS) {
                    pipelined.append(new String(request(target), StandardCharsets.US_ASCII));
                }
                s.getOutputStream().write(pipelined.toString().getBytes(StandardCharsets.US_ASCII));
                for (String target : TARGETS) {
                    got.add(readResponse(s.getInputStream()));
                }
                answers.put(b, got);
            }
        }
        List<String> reference = answers.get(Backend.LOOP);
        assertTrue(reference.get(0).startsWith("HTTP/1.1 200 OK\r\nDate: DATE\r\nServer: rawloop\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 13\r\n\r\nHello, World!"), reference.get(0));
        for (Map.Entry<Backend, List<String>> e : answers.entrySet()) {
            for (int i = 0; i < reference.size(); i++) {
                assertEquals(reference.get(i), e.getValue().get(i),
                        e.getKey().id() + " answers " + TARGETS.get(i % TARGETS.size()) + " differently");
            }
        }
    }

    @Test
    void nioFloorSendsHelloLikeTheOthers() throws Exception {
        List<String> hello = new ArrayList<>();
        for (Backend b : List.of(Backend.LOOP, Backend.NIO_FLOOR)) {
            try (Backend.Running running = b.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 Socket s = new Socket(InetAddress.getLoopbackAddress(), running.port())) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write(request("/hello"));
                hello.add(readResponse(s.getInputStream()));
                if (b == Backend.NIO_FLOOR) {   // it is no HTTP server: any head gets /hello's answer
                    s.getOutputStream().write(request("/json"));
                    assertEquals(hello.get(0), readResponse(s.getInputStream()), "nio-floor's answer to /json");
                }
            }
        }
        assertEquals(hello.get(0), hello.get(1), "nio-floor's /hello");
    }

    static byte[] request(String target) {
        return ("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One whole response, Content-Length framed, with the Date value replaced by "DATE". */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in a head: " + head);
            }
            head.write(b);
            state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int at = text.toLowerCase().indexOf("content-length: ");
        int length = Integer.parseInt(text.substring(at + 16, text.indexOf('\r', at)));
        return text.replaceFirst("Date: [^\r]*", "Date: DATE") + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}

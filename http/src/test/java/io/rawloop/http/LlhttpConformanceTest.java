package io.rawloop.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * llhttp's strict cases against our parsers: the same verdict and the same parts, at every split.
 * Where we differ on purpose, {@link #DELIBERATE} names the case and gives the reason.
 */
class LlhttpConformanceTest {

    /** Cases where our verdict differs from llhttp's on purpose: "file / title" to the reason. */
    static final Map<String, String> DELIBERATE = new TreeMap<>();

    static {
        String afterClose = "llhttp refuses bytes after a message with Connection: close; our parsers parse what they"
                + " are given, and it is the server that stops reading after such a request (RFC 9112 §9.6) and the"
                + " client that closes after such a response";
        deliberate(afterClose, "request/connection.md / CRLF between requests, explicit `close`",
                "request/connection.md / CRLF between requests, explicit `close` followed by tab",
                "response/connection.md / HTTP/1.1 with keep-alive disabled and 204 status",
                "request/connection.md / No restart when keep-alive is off (1.0)");
        deliberate("llhttp's test harness tells its parser to skip the body from the headers callback; ours has no"
                        + " such call: Content-Length: 123 means 123 body bytes follow (RFC 9112 §6.3 rule 6), so the"
                        + " message is incomplete",
                "request/content-length.md / Content-Length reset when no body is received",
                "response/content-length.md / Content-Length reset when no body is received");
        deliberate("llhttp knows a fixed list of methods per protocol; any token is a method (RFC 9110 §9.1), and the"
                        + " server answers 501 to one it does not implement",
                "request/invalid.md / HTTP protocol and ANNOUNCE method", "request/invalid.md / Invalid method");
        deliberate("RTSP and ICE are other protocols that llhttp also parses; we parse HTTP/1.x only (RFC 9112 §2.3)",
                "request/method.md / SOURCE request with ICE", "request/method.md / OPTIONS request with RTSP",
                "request/method.md / ANNOUNCE request with RTSP", "response/sample.md / RTSP response",
                "response/sample.md / ICE response");
        deliberate("HTTP/0.9: RFC 9112 §2.3 and §3 require a version of 1.x; a request without one gets 400, another"
                + " version 505", "request/sample.md / No HTTP version", "response/sample.md / HTTP version 0.9");
        deliberate("we decode chunked and no other transfer coding, so a request with another one gets 501, as RFC"
                        + " 9112 §6.1 says a server SHOULD; llhttp frames the body and leaves the decoding to its user",
                "request/transfer-encoding.md / POST with `chunked` as last transfer-encoding",
                "request/transfer-encoding.md / POST with `chunked` as last transfer-encoding (multiple headers)");
    }

    private static void deliberate(String reason, String... cases) {
        for (String c : cases) {
            DELIBERATE.put(c, reason);
        }
    }

    @Test
    void everyStrictCaseGivesTheSameOutcomeAtEverySplit() {
        List<String> inconsistent = new ArrayList<>();
        for (LlhttpCase c : strictCases()) {
            Outcome whole = Outcome.of(isRequest(c), c.input());
            for (int cut = 1; cut < c.input().length && !c.noScan(); cut++) {
                Outcome split = Outcome.of(isRequest(c), c.input(), cut);
                if (!split.sameAs(whole)) {
                    inconsistent.add(c + " split at " + cut + ": " + split + " but whole: " + whole);
                    break;
                }
            }
            int[] everyByte = new int[Math.max(0, c.input().length - 1)];
            for (int i = 0; i < everyByte.length; i++) {
                everyByte[i] = i + 1;
            }
            Outcome bytewise = Outcome.of(isRequest(c), c.input(), everyByte);
            if (!bytewise.sameAs(whole)) {
                inconsistent.add(c + " byte by byte: " + bytewise + " but whole: " + whole);
            }
        }
        assertEquals(List.of(), inconsistent, "any split of the input gives the same result");
    }

    @Test
    void ourVerdictsMatchLlhttpsExceptWhereWeDifferOnPurpose() {
        Map<String, int[]> counts = new TreeMap<>();
        List<String> unexplained = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (LlhttpCase c : strictCases()) {
            Outcome ours = Outcome.of(isRequest(c), c.input());
            if (c.error() != null && ours.accepted() && ours.midMessage()) {
                // llhttp rejects at the offending byte; we check a head once it is complete. The
                // case's input stops early, so end the head and take our verdict then.
                ours = Outcome.of(isRequest(c), concat(c.input(), "\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            }
            boolean llhttpAccepts = c.error() == null;
            String verdict;
            String problem = null;
            // We skip interim responses to the final one (RFC 9110 §15.2); llhttp reports them.
            List<LlhttpCase.Message> theirs = c.messages().stream()
                    .filter(m -> m.status() < 100 || m.status() >= 200 || m.status() == 101).toList();
            if (llhttpAccepts && ours.accepted()) {
                verdict = ours.messages().equals(theirs) ? "accepted" : "differ";
                if (verdict.equals("differ")) {
                    problem = "parts differ: ours " + ours.messages() + " llhttp " + theirs;
                }
            } else if (!llhttpAccepts && !ours.accepted()) {
                verdict = "rejected";
            } else {
                verdict = "differ";
                problem = llhttpAccepts ? "llhttp accepts, we reject: " + ours.error().getMessage()
                        : "llhttp rejects (" + c.error() + "), we accept: " + ours;
            }
            counts.computeIfAbsent(c.type(), k -> new int[3])[verdict.equals("accepted") ? 0 : verdict.equals("rejected") ? 1 : 2]++;
            String key = c.toString();
            if (problem != null && !DELIBERATE.containsKey(key)) {
                unexplained.add(key + ": " + problem);
            }
            if (problem == null && DELIBERATE.containsKey(key)) {
                stale.add(key);
            }
        }
        counts.forEach((type, n) -> System.out.printf("llhttp %s cases: %d accepted by both, %d rejected by both, %d differ%n",
                type, n[0], n[1], n[2]));
        assertEquals(List.of(), stale, "listed as deliberate differences, but we agree now");
        assertEquals(List.of(), unexplained, "differences from llhttp without a reason");
        assertTrue(counts.values().stream().mapToInt(n -> n[0] + n[1] + n[2]).sum() > 150, "the corpus was read");
    }

    /** One named test per deliberate difference: the case, and why we differ. */
    @TestFactory
    Stream<DynamicTest> eachDeliberateDifferenceIsRealAndExplained() {
        Map<String, LlhttpCase> byName = new TreeMap<>();
        strictCases().forEach(c -> byName.put(c.toString(), c));
        return DELIBERATE.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey() + ": " + e.getValue(), () -> {
            LlhttpCase c = byName.get(e.getKey());
            assertTrue(c != null, "the case exists in the corpus");
            Outcome ours = Outcome.of(isRequest(c), c.input());
            boolean sameVerdict = ours.accepted() == (c.error() == null);
            assertTrue(!sameVerdict || !ours.messages().equals(c.messages()), "we really do differ from llhttp here");
        }));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static List<LlhttpCase> strictCases() {
        return LlhttpCase.all().stream().filter(c -> c.type().equals("request") || c.type().equals("response")).toList();
    }

    static boolean isRequest(LlhttpCase c) {
        return c.type().equals("request");
    }
}

package io.rawloop.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Jazzer fuzz tests for both parsers. Under plain {@code mvn test} they run in regression mode
 * over the committed inputs (src/test/resources/io/rawloop/http/ParserFuzzTestInputs/); with
 * {@code JAZZER_FUZZ=1} they fuzz with coverage feedback for {@code maxDuration}.
 *
 * <p>For every input: nothing but the parser's own {@link HttpException} escapes; the parser
 * never loops (each call consumes a byte or completes a step) and never holds more than its
 * limits allow; and whole, byte-by-byte and chunked feeding agree on the outcome.
 */
class ParserFuzzTest {

    /** Small limits, so that the fuzzer reaches every limit's branch quickly. */
    static final HttpLimits LIMITS = new HttpLimits(64, 256, 8, 1024);
    /** A head never needs more than the start line and the section, plus their line ends. */
    static final int MAX_HELD = 2 * (LIMITS.maxStartLine() + LIMITS.maxHeaderBytes() + 4);

    @FuzzTest(maxDuration = "5m")
    void requestParser(byte[] input) {
        String whole = run(true, input, input.length);
        check(whole, run(true, input, 1), input);
        check(whole, run(true, input, 1 + (input.length % 7)), input);
    }

    @FuzzTest(maxDuration = "5m")
    void responseParser(byte[] input) {
        String whole = run(false, input, input.length);
        check(whole, run(false, input, 1), input);
        check(whole, run(false, input, 1 + (input.length % 7)), input);
    }

    private static void check(String whole, String split, byte[] input) {
        if (!whole.equals(split)) {
            throw new AssertionError("split changes the outcome: whole " + whole + ", split " + split + " for "
                    + java.util.HexFormat.of().formatHex(input));
        }
    }

    /** A summary of the events, or of the rejection: what the outcome comparison looks at. */
    static String run(boolean request, byte[] input, int step) {
        RequestParser requests = new RequestParser(LIMITS);
        ResponseParser responses = new ResponseParser(LIMITS);
        StringBuilder events = new StringBuilder();
        long bodyBytes = 0;
        try {
            for (int from = 0; from < input.length || (from == 0 && input.length == 0); from += Math.max(step, 1)) {
                ByteBuffer piece = ByteBuffer.wrap(input, from, Math.min(Math.max(step, 1), input.length - from));
                for (int calls = 0; ; calls++) {
                    if (calls > input.length + 16) {
                        throw new AssertionError("the parser keeps returning events without consuming input");
                    }
                    HttpEvent e = request ? requests.parse(piece) : responses.parse(piece);
                    int held = request ? requests.heldBytes() : responses.heldBytes();
                    if (held > MAX_HELD) {
                        throw new AssertionError("the parser holds " + held + " bytes, more than its limits allow");
                    }
                    if (e == HttpEvent.NEED_MORE) {
                        break;
                    }
                    if (e == HttpEvent.BODY) {
                        bodyBytes += (request ? requests.body() : responses.body()).remaining();
                    } else {
                        events.append(e.name().charAt(0));
                        if (e == HttpEvent.COMPLETE) {
                            events.append(bodyBytes).append(' ');
                            bodyBytes = 0;
                        }
                    }
                }
                if (input.length == 0) {
                    break;
                }
            }
            HttpEvent end = request ? requests.finish() : responses.finish();
            return events + "end:" + end;
        } catch (HttpException e) {
            if (e.status() < 400 || e.status() > 505 || e.reason().isEmpty()) {
                throw new AssertionError("a rejection without a proper status or reason: " + e);
            }
            return events + "rejected:" + e.status();
        }
    }
}

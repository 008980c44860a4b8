package io.rawloop.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What our parser made of some input fed in pieces: the messages it completed (in the shape of
 * {@link LlhttpCase.Message}) and its rejection, if any.
 */
record Outcome(List<LlhttpCase.Message> messages, HttpException error, boolean midMessage) {

    boolean accepted() {
        return error == null;
    }

    /** Feeds {@code input} to a fresh request or response parser, split at each of {@code cuts}. */
    static Outcome of(boolean request, byte[] input, int... cuts) {
        RequestParser requests = request ? new RequestParser() : null;
        ResponseParser responses = request ? null : new ResponseParser();
        List<LlhttpCase.Message> messages = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        Object head = null;
        int from = 0;
        try {
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : input.length;
                ByteBuffer piece = ByteBuffer.wrap(input, from, to - from);
                from = to;
                while (true) {
                    HttpEvent event = request ? requests.parse(piece) : responses.parse(piece);
                    if (event == HttpEvent.NEED_MORE) {
                        break;
                    }
                    switch (event) {
                        case HEAD -> {
                            head = request ? requests.head() : responses.head();
                            body.setLength(0);
                        }
                        case BODY -> {
                            ByteBuffer data = request ? requests.body() : responses.body();
                            byte[] bytes = new byte[data.remaining()];
                            data.get(bytes);
                            body.append(new String(bytes, StandardCharsets.ISO_8859_1));
                        }
                        case COMPLETE -> messages.add(message(head, body.toString(),
                                request ? requests.trailers() : responses.trailers()));
                        default -> throw new IllegalStateException();
                    }
                }
            }
            boolean boundary = request ? requests.atMessageBoundary() || requests.switchedProtocol()
                    : responses.atMessageBoundary() || responses.switchedProtocol();
            return new Outcome(messages, null, !boundary);
        } catch (HttpException e) {
            return new Outcome(messages, e, false);
        }
    }

    private static LlhttpCase.Message message(Object head, String body, Headers trailers) {
        if (head instanceof RequestHead r) {
            return new LlhttpCase.Message(r.method(), r.target(), r.version().text().substring(5), 0,
                    fields(r.headers()), body, fields(trailers));
        }
        ResponseHead r = (ResponseHead) head;
        return new LlhttpCase.Message("", "", r.version().text().substring(5), r.status(), fields(r.headers()), body,
                fields(trailers));
    }

    static List<String> fields(Headers headers) {
        List<String> out = new ArrayList<>();
        headers.forEach((name, value) -> out.add(name.toLowerCase(Locale.ROOT) + ": " + value));
        return out;
    }

    /** Same messages and same verdict (the rejection's status, not its offset). */
    boolean sameAs(Outcome other) {
        return messages.equals(other.messages)
                && (error == null ? other.error == null : other.error != null && error.status() == other.error.status());
    }

    @Override
    public String toString() {
        return messages.size() + " message(s)" + (error == null ? ", accepted" : ", rejected: " + error.getMessage());
    }
}

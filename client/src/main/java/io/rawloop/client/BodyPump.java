package io.rawloop.client;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.http.Headers;
import io.rawloop.http.HttpWriter;
import io.rawloop.loop.IoErrors;
import io.rawloop.loop.TcpConnection;
import java.nio.ByteBuffer;

/**
 * Sends a streamed request body: asks the {@link BodySource} for a piece, writes it (as a chunk,
 * or as it is when the length was declared), waits until the kernel has it, asks again. One piece
 * in memory at a time, whatever the body's size.
 */
final class BodyPump {

    private final Exchange exchange;
    private final TcpConnection tcp;
    private final HttpClient client;
    private final boolean chunked;
    private final HttpWriter writer = new HttpWriter();
    private long sent;

    BodyPump(Exchange exchange, TcpConnection tcp, HttpClient client) {
        this.exchange = exchange;
        this.tcp = tcp;
        this.client = client;
        this.chunked = exchange.request.sourceLength() < 0;
    }

    void start() {
        next();
    }

    private void next() {
        if (exchange.finished() || !tcp.isOpen()) {
            return;   // the response came early, or the connection went: stop producing
        }
        exchange.request.source().next(client.loop()).onComplete((piece, failure) -> {
            if (failure != null) {
                giveUp("the request body's source failed: " + IoErrors.reason(failure), failure);
            } else if (piece == null) {
                finish();
            } else {
                write(piece);
            }
        });
    }

    private void write(ByteBuffer piece) {
        if (exchange.finished() || !tcp.isOpen()) {
            return;
        }
        long declared = exchange.request.sourceLength();
        sent += piece.remaining();
        if (!chunked && sent > declared) {
            giveUp("the request body's source gave more than the declared " + declared + " bytes", null);
            return;
        }
        ByteBuffer bytes = chunked ? writer.chunk(piece).take() : copy(piece);
        client.sent(bytes.remaining());
        tcp.write(bytes);
        tcp.drained().onComplete((ok, failure) -> {
            if (failure == null) {
                next();
            }   // a failed write closes the connection, and the exchange hears of it there
        });
    }

    private void finish() {
        long declared = exchange.request.sourceLength();
        if (!chunked && sent != declared) {
            giveUp("the request body's source ended after " + sent + " of the declared " + declared + " bytes", null);
            return;
        }
        if (chunked) {
            ByteBuffer last = writer.lastChunk(Headers.EMPTY).take();
            client.sent(last.remaining());
            tcp.write(last);
        }
        exchange.requestSent = true;
    }

    private void giveUp(String what, Throwable cause) {
        if (exchange.connection != null && !exchange.finished()) {
            exchange.connection.abandon(exchange, exchange.failure(Kind.REQUEST_BODY, what, cause));
        }
    }

    private static ByteBuffer copy(ByteBuffer piece) {
        ByteBuffer copy = ByteBuffer.allocate(piece.remaining());
        copy.put(piece.duplicate()).flip();
        return copy;
    }
}

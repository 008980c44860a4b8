package io.rawloop.client;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.http.HttpEvent;
import io.rawloop.http.HttpException;
import io.rawloop.http.ResponseHead;
import io.rawloop.http.ResponseParser;
import java.io.ByteArrayOutputStream;
import io.rawloop.loop.IoErrors;
import io.rawloop.loop.TlsHandshakeTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

/**
 * The same HTTP/1.1 client for threads: {@link #send} blocks the calling thread until the response
 * is in. Same request bytes ({@code RequestEncoder}), same parser, same exceptions as
 * {@link HttpClient}, over a {@code java.net.Socket}: what a thread-per-request program (a pool of
 * platform threads, or virtual threads) would use. The fetch command's sequential, threads and
 * virtual modes run on it, so that the four concurrency models differ in concurrency only.
 *
 * <p>https:// runs on an {@code SSLSocket} with the engine settings of {@link ClientTls#engine}.
 * Thread-safe: a shared keep-alive pool of idle sockets per {@code scheme://host:port}, uncapped (each
 * thread holds at most one socket at a time, so the threads are the cap). SIMPLIFICATION: no
 * redirects, no streamed bodies, no total timeout (the connect and response-header timeouts
 * apply; the header timeout is the socket's read timeout, so it also bounds each pause in the
 * body), no idle timeout (an idle socket stays until the server closes it; a request that finds
 * it closed goes once more on a new socket).
 */
public final class BlockingClient implements AutoCloseable {

    private final ClientConfig config;
    private final Map<String, ConcurrentLinkedDeque<Socket>> idle = new ConcurrentHashMap<>();

    /** A client with the given limits and timeouts. */
    public BlockingClient(ClientConfig config) {
        this.config = config;
    }

    /** Sends {@code request} and waits for the whole response. */
    public HttpResponse send(HttpRequest request) throws HttpClientException {
        if (request.source() != null) {
            throw new IllegalArgumentException("BlockingClient sends bodies given as bytes, not streamed ones");
        }
        ConcurrentLinkedDeque<Socket> sockets = idle.computeIfAbsent(request.hostKey(), k -> new ConcurrentLinkedDeque<>());
        Socket reused = sockets.pollFirst();
        if (reused != null) {
            try {
                return exchange(request, reused, sockets, request.idempotent());
            } catch (StaleConnection stale) {
                // The server closed the kept-alive socket before answering: once more on a new one.
            }
        }
        try {
            return exchange(request, connect(request), sockets, false);
        } catch (StaleConnection stale) {
            throw stale.error;
        }
    }

    private Socket connect(HttpRequest request) throws HttpClientException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(request.host(), request.port()),
                    (int) config.connectTimeout().toMillis());
            if (request.secure()) {
                return handshake(request, socket);
            }
            socket.setSoTimeout((int) config.headerTimeout().toMillis());
            return socket;
        } catch (HttpClientException e) {
            throw e;
        } catch (IOException e) {
            IoErrors.closeQuietly(socket);
            String where = request.hostKey();
            if (e instanceof UnknownHostException) {
                throw failure(request, Kind.DNS, "cannot resolve host " + request.host(), e);
            }
            if (e instanceof SocketTimeoutException) {
                throw failure(request, Kind.CONNECT_TIMEOUT, "connect to " + where + " timed out after "
                        + config.connectTimeout().toMillis() + " ms (connect timeout)", e);
            }
            if (e instanceof ConnectException) {
                throw failure(request, Kind.REFUSED, "connect to " + where + " failed: " + e.getMessage(), e);
            }
            throw failure(request, Kind.REFUSED, "cannot connect to " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * TLS on the connected {@code socket}, with the same engine settings as {@link HttpClient}'s
     * (SNI, the name check, TLS 1.3 and 1.2, ALPN), the handshake timeout as the read timeout.
     */
    private Socket handshake(HttpRequest request, Socket socket) throws IOException {
        ClientTls tls = config.tls();
        SSLEngine like = tls.engine(request.host(), request.port());
        SSLSocket secure = (SSLSocket) (tls.context() != null ? tls.context() : defaultContext()).getSocketFactory()
                .createSocket(socket, like.getPeerHost(), request.port(), true);
        secure.setSSLParameters(like.getSSLParameters());
        try {
            socket.setSoTimeout((int) tls.handshakeTimeout().toMillis());
            secure.startHandshake();
            socket.setSoTimeout((int) config.headerTimeout().toMillis());
            return secure;
        } catch (SocketTimeoutException e) {
            IoErrors.closeQuietly(secure);
            throw TlsFailure.of(request, new TlsHandshakeTimeoutException("the TLS handshake did not finish within "
                    + tls.handshakeTimeout().toMillis() + " ms"), "");
        } catch (SSLException e) {
            IoErrors.closeQuietly(secure);
            throw TlsFailure.of(request, e instanceof SSLHandshakeException ? e : new SSLHandshakeException(e.getMessage()), "");
        }
    }

    private static SSLContext defaultContext() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("the JDK has no default TLS context", e);
        }
    }

    /** One request on {@code socket}; {@code retryable}: a kept-alive socket that may turn out stale. */
    private HttpResponse exchange(HttpRequest request, Socket socket, ConcurrentLinkedDeque<Socket> pool,
                                  boolean retryable) throws HttpClientException, StaleConnection {
        long responseBytes = 0;
        try {
            ByteBuffer head = RequestEncoder.encode(request, config.userAgent());
            socket.getOutputStream().write(head.array(), head.arrayOffset(), head.remaining());
            ResponseParser parser = new ResponseParser(config.limits().withMaxBody(config.maxResponseBytes()));
            parser.expectResponseTo(request.method());
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            ResponseHead responseHead = null;
            while (true) {
                int n = in.read(buffer);
                HttpEvent event;
                ByteBuffer data = ByteBuffer.wrap(buffer, 0, Math.max(n, 0));
                if (n < 0) {
                    if (responseBytes == 0 && retryable) {
                        throw new StaleConnection(failure(request, Kind.CLOSED,
                                "the server closed the connection before any byte of the response", null));
                    }
                    event = parser.finish();
                    if (event != HttpEvent.COMPLETE) {
                        throw failure(request, Kind.CLOSED, "the server closed the connection after "
                                + responseBytes + " bytes of the response", null);
                    }
                    IoErrors.closeQuietly(socket);
                    return response(request, responseHead, body, parser);
                }
                responseBytes += n;
                // Until the parser needs more: the end of a body is an event after its last byte.
                while ((event = parser.parse(data)) != HttpEvent.NEED_MORE) {
                    switch (event) {
                        case HEAD -> responseHead = parser.head();
                        case BODY -> {
                            ByteBuffer piece = parser.body();
                            body.write(piece.array(), piece.arrayOffset() + piece.position(), piece.remaining());
                        }
                        case COMPLETE -> {
                            if (parser.head().keepAlive() && !data.hasRemaining()) {
                                pool.addFirst(socket);
                            } else {
                                IoErrors.closeQuietly(socket);
                            }
                            return response(request, responseHead, body, parser);
                        }
                        case NEED_MORE -> throw new AssertionError();
                    }
                }
            }
        } catch (HttpException e) {
            IoErrors.closeQuietly(socket);
            Kind kind = e.status() == 413 ? Kind.TOO_LARGE : Kind.MALFORMED;
            throw failure(request, kind, (kind == Kind.TOO_LARGE ? "response too large: "
                    : "malformed response at byte " + e.offset() + ": ") + e.reason(), e);
        } catch (SocketTimeoutException e) {
            IoErrors.closeQuietly(socket);
            throw failure(request, Kind.HEADER_TIMEOUT, "no response within " + config.headerTimeout().toMillis()
                    + " ms (response-header timeout)", e);
        } catch (StaleConnection | HttpClientException e) {
            IoErrors.closeQuietly(socket);
            throw e;
        } catch (SSLException e) {
            IoErrors.closeQuietly(socket);
            throw TlsFailure.of(request, e, "after " + responseBytes + " bytes of the response");
        } catch (IOException e) {
            IoErrors.closeQuietly(socket);
            if (retryable && responseBytes == 0 && e instanceof SocketException) {
                throw new StaleConnection(failure(request, Kind.RESET, "the connection was reset before any byte"
                        + " of the response (" + e.getMessage() + ")", e));
            }
            throw failure(request, Kind.RESET, "the connection was reset after " + responseBytes
                    + " bytes of the response (" + e.getMessage() + ")", e);
        }
    }

    private static HttpResponse response(HttpRequest request, ResponseHead head, ByteArrayOutputStream body,
                                         ResponseParser parser) {
        return new HttpResponse(request.uri(), head.version(), head.status(), head.reason(), head.headers(),
                body.toByteArray(), parser.trailers());
    }

    private static HttpClientException failure(HttpRequest request, Kind kind, String what, Throwable cause) {
        return new HttpClientException(kind, request.method(), request.uri(), what, cause);
    }

    /** Closes every idle socket. */
    @Override
    public void close() {
        for (ConcurrentLinkedDeque<Socket> sockets : idle.values()) {
            Socket s;
            while ((s = sockets.pollFirst()) != null) {
                IoErrors.closeQuietly(s);
            }
        }
    }

    /** A reused socket that the server had closed: the request may go again on a new one. */
    private static final class StaleConnection extends Exception {
        private static final long serialVersionUID = 1L;
        final transient HttpClientException error;

        StaleConnection(HttpClientException error) {
            super(null, null, false, false);
            this.error = error;
        }
    }
}

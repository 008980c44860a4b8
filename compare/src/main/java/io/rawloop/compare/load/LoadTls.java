package io.rawloop.compare.load;

import io.rawloop.loop.TlsEngines;
import io.rawloop.loop.TlsHandshake;
import io.rawloop.loop.TlsOptions;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The load generator's TLS: rawloop's own client side ({@code TcpConnection.startTls} on the
 * generator's loop), trusting what it is told to (the bench's certificate), and counting.
 *
 * <p><b>Every handshake is a full one.</b> The JDK's client keeps sessions (and TLS 1.3 tickets)
 * by the peer's host and port, and offers one to resume when it makes an engine for a host and
 * port it has met. So the engines here are made with no peer at all
 * ({@code createSSLEngine()}): there is nothing to look up, and no resumption is ever offered. A
 * resumed handshake would skip the server's certificate, so {@link #fullHandshakes()} counts the
 * certificate checks, which is how the count proves it: a new connection per request must show as
 * many checks as requests.
 *
 * <p>SIMPLIFICATION: without a peer name there is no host-name check (RFC 2818 §3.1), only the
 * chain's, against the one certificate trusted; the bench's certificate is its own, made for the
 * run, so there is no other server it could be.
 */
public final class LoadTls {

    private final SSLContext context;
    private final LongAdder certificateChecks = new LongAdder();
    /** Protocol and suite of each handshake seen: one entry when every back-end agrees. */
    private final Set<String> negotiated = new ConcurrentSkipListSet<>();
    private final TlsOptions options;

    private LoadTls(TrustManager[] trust) throws GeneralSecurityException {
        X509TrustManager checked = null;
        for (TrustManager t : trust) {
            if (t instanceof X509TrustManager x) {
                checked = x;
            }
        }
        if (checked == null) {
            throw new GeneralSecurityException("no X.509 trust manager among " + trust.length);
        }
        this.context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new Counting(checked)}, null);
        this.options = TlsOptions.DEFAULT.withListeners(this::handshake, failure -> { });
    }

    /** Trusts what {@code trust} trusts (the bench's certificate: {@code BenchCertificate.trustManagers()}). */
    public static LoadTls trusting(TrustManager[] trust) throws GeneralSecurityException {
        return new LoadTls(trust);
    }

    /** A client engine for one connection: TLS 1.3 and 1.2, ALPN http/1.1, no peer (see the class comment). */
    SSLEngine engine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(TlsEngines.PROTOCOLS.toArray(String[]::new));
        parameters.setApplicationProtocols(new String[] {TlsEngines.HTTP_1_1});
        engine.setSSLParameters(parameters);
        return engine;
    }

    TlsOptions options() {
        return options;
    }

    private void handshake(TlsHandshake done) {
        negotiated.add(done.protocol() + " " + done.cipherSuite());
    }

    /** Full handshakes so far: the server's certificate was checked this many times. Any thread. */
    public long fullHandshakes() {
        return certificateChecks.sum();
    }

    /** Each protocol and suite negotiated so far, {@code TLSv1.3 TLS_AES_256_GCM_SHA384}. Any thread. */
    public Set<String> negotiated() {
        return Set.copyOf(negotiated);
    }

    /**
     * Checks as {@code delegate} does, and counts. An X509ExtendedTrustManager, or the JDK would
     * wrap it in one of its own; it is called on the offload pool (a delegated task), hence the adder.
     */
    private final class Counting extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;

        Counting(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            certificateChecks.increment();
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}

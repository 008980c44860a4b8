package io.rawloop.client;

import io.rawloop.loop.TlsEngines;
import io.rawloop.loop.TlsFiles;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the client checks the servers of https:// URLs: whom it trusts, and how long a handshake
 * may take. By default, the JDK's own trust store (its {@code cacerts}, the CAs browsers trust)
 * and the host name checked against the certificate (RFC 2818 §3.1), as curl does.
 * <pre>{@code
 * ClientConfig config = ClientConfig.DEFAULT.withTls(ClientTls.trusting(Path.of("ca.pem")));   // curl --cacert
 * }</pre>
 *
 * @param context          whom to trust (its trust managers); null for the JDK's default context
 * @param insecure         true: no check at all, of the chain or the name (curl's {@code --insecure});
 *                         for tests against self-signed servers, never for anything that matters
 * @param handshakeTimeout the TLS handshake must finish within this, once connected
 */
public record ClientTls(SSLContext context, boolean insecure, Duration handshakeTimeout) {

    /** The JDK's trust store, names checked, 10 s to shake hands. */
    public static final ClientTls DEFAULT = new ClientTls(null, false, Duration.ofSeconds(10));

    /** Validates the timeout. */
    public ClientTls {
        if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, not " + handshakeTimeout);
        }
    }

    /**
     * Trusts the CA certificates of {@code caPem}, and only those ({@code curl --cacert}).
     *
     * @throws IOException if the file cannot be read or holds no certificate; the message names it
     */
    public static ClientTls trusting(Path caPem) throws IOException {
        return DEFAULT.withContext(TlsFiles.clientContext(caPem));
    }

    /** Trusts any certificate for any name ({@code curl --insecure}): encryption without authentication. */
    public static ClientTls unverified() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustingEveryone()}, null);
            return new ClientTls(context, true, DEFAULT.handshakeTimeout);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS: " + e.getMessage(), e);
        }
    }

    /** The same, trusting what {@code trust}'s trust managers trust. */
    public ClientTls withContext(SSLContext trust) {
        return new ClientTls(trust, false, handshakeTimeout);
    }

    /** The same, with another handshake timeout. */
    public ClientTls withHandshakeTimeout(Duration value) {
        return new ClientTls(context, insecure, value);
    }

    /**
     * An engine for a connection to {@code host}, for {@code TcpConnection.startTls}: SNI and the name check from {@link TlsEngines}
     * (an IPv6 literal loses its brackets), neither check when insecure.
     */
    public SSLEngine engine(String host, int port) {
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        SSLContext trust;
        try {
            trust = context != null ? context : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context: " + e.getMessage(), e);
        }
        SSLEngine engine = TlsEngines.client(trust, name, port);
        if (insecure) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm(null);
            engine.setSSLParameters(parameters);
        }
        return engine;
    }

    /**
     * Accepts every chain. An X509ExtendedTrustManager, because the JDK wraps a plain
     * X509TrustManager in one that checks the host name after all.
     */
    private static final class TrustingEveryone extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

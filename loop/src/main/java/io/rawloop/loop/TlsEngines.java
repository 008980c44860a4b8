package io.rawloop.loop;

import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * rawloop's TLS policy, in one place: the {@link SSLEngine}s a {@link TlsLayer} drives, made from
 * an {@link SSLContext} (see {@link TlsFiles} for one made from nginx-style files).
 *
 * <ul>
 *   <li><b>TLS 1.3 and 1.2 only.</b> 1.0 and 1.1 are deprecated by RFC 8996; SSLv3 and the
 *       SSLv2-format hello are older still.</li>
 *   <li><b>ALPN offers and selects {@value #HTTP_1_1}</b> (RFC 7301), the one protocol the server
 *       and client speak. A client that offers only others is refused with a
 *       no_application_protocol alert (RFC 7301 §3.2); one that offers none is served.</li>
 *   <li><b>The client checks the server's name</b> against its certificate (RFC 2818 §3.1, RFC
 *       6125) and sends it in SNI (RFC 6066 §3) when it is a host name, not an address.</li>
 * </ul>
 * Cipher suites and groups are the JDK's defaults, which its security team keeps current.
 */
public final class TlsEngines {

    /** The protocols enabled, in order of preference. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** The ALPN name of HTTP/1.1. */
    public static final String HTTP_1_1 = "http/1.1";

    private TlsEngines() {
    }

    /**
     * An engine for the client end of a connection to {@code host}:{@code port}. {@code host} is
     * the name the server's certificate must hold; the JDK sends it in SNI unless it is an address
     * literal, which RFC 6066 §3 forbids there.
     */
    public static SSLEngine client(SSLContext context, String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = policy(engine);
        // Without an algorithm the JDK checks the chain but not the name: any valid certificate
        // for any site would do. "HTTPS" is RFC 2818's rule.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** An engine for the server end of an accepted connection. */
    public static SSLEngine server(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(policy(engine));
        return engine;
    }

    /** The parameters both ends share. Client mode is set first: setting it resets the defaults. */
    private static SSLParameters policy(SSLEngine engine) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
        parameters.setApplicationProtocols(new String[] {HTTP_1_1});
        return parameters;
    }
}

package io.rawloop.compare.backend;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.rawloop.loop.TlsEngines;
import java.io.IOException;
import java.util.List;

/**
 * Netty's TLS for the bench, on the JDK's own engine ({@link SslProvider#JDK}, not OpenSSL through
 * netty-tcnative), with what rawloop's {@link TlsEngines} enables: TLS 1.3 and 1.2, ALPN
 * {@code http/1.1}, and the JDK's default cipher suites in the JDK's order. Netty's builder would
 * otherwise pick a list of its own; here both sides are asked to agree on the same suite, which
 * the TLS test of the back-ends checks.
 */
final class NettyTls {

    private NettyTls() {
    }

    static SslContext server(BenchCertificate certificate) throws IOException {
        List<String> jdkDefaults = List.of(certificate.serverContext().getDefaultSSLParameters().getCipherSuites());
        return SslContextBuilder.forServer(certificate.keyManagers())
                .sslProvider(SslProvider.JDK)
                .protocols(TlsEngines.PROTOCOLS)
                .ciphers(jdkDefaults, IdentityCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, TlsEngines.HTTP_1_1))
                .build();
    }
}

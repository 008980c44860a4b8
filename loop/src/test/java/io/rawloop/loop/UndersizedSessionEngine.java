package io.rawloop.loop;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A real {@link SSLEngine} whose session says, the first {@code lies} times it is asked, that
 * packets and plaintext fit in {@code size} bytes: buffers sized from it start far too small, so
 * every growing path of {@link TlsBuffers} runs (BUFFER_OVERFLOW with nothing to flush, records
 * longer than the buffer), and the session's true sizes must be read again to get out.
 */
final class UndersizedSessionEngine extends SSLEngine {

    private final SSLEngine real;
    private final int size;
    private int lies;
    int overflows;

    UndersizedSessionEngine(SSLEngine real, int size, int lies) {
        this.real = real;
        this.size = size;
        this.lies = lies;
    }

    @Override
    public SSLSession getSession() {
        SSLSession session = real.getSession();
        if (lies == 0) {
            return session;
        }
        lies--;
        return (SSLSession) Proxy.newProxyInstance(SSLSession.class.getClassLoader(), new Class<?>[] {SSLSession.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getPacketBufferSize", "getApplicationBufferSize" -> size;
                    default -> method.invoke(session, arguments);
                });
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer destination) throws SSLException {
        return counted(real.wrap(sources, offset, length, destination));
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) throws SSLException {
        return counted(real.unwrap(source, destinations, offset, length));
    }

    private SSLEngineResult counted(SSLEngineResult result) {
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            overflows++;
        }
        return result;
    }

    // Everything else is the real engine's.
    @Override public Runnable getDelegatedTask() { return real.getDelegatedTask(); }
    @Override public void closeInbound() throws SSLException { real.closeInbound(); }
    @Override public boolean isInboundDone() { return real.isInboundDone(); }
    @Override public void closeOutbound() { real.closeOutbound(); }
    @Override public boolean isOutboundDone() { return real.isOutboundDone(); }
    @Override public String[] getSupportedCipherSuites() { return real.getSupportedCipherSuites(); }
    @Override public String[] getEnabledCipherSuites() { return real.getEnabledCipherSuites(); }
    @Override public void setEnabledCipherSuites(String[] suites) { real.setEnabledCipherSuites(suites); }
    @Override public String[] getSupportedProtocols() { return real.getSupportedProtocols(); }
    @Override public String[] getEnabledProtocols() { return real.getEnabledProtocols(); }
    @Override public void setEnabledProtocols(String[] protocols) { real.setEnabledProtocols(protocols); }
    @Override public SSLSession getHandshakeSession() { return real.getHandshakeSession(); }
    @Override public void beginHandshake() throws SSLException { real.beginHandshake(); }
    @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() { return real.getHandshakeStatus(); }
    @Override public void setUseClientMode(boolean mode) { real.setUseClientMode(mode); }
    @Override public boolean getUseClientMode() { return real.getUseClientMode(); }
    @Override public void setNeedClientAuth(boolean need) { real.setNeedClientAuth(need); }
    @Override public boolean getNeedClientAuth() { return real.getNeedClientAuth(); }
    @Override public void setWantClientAuth(boolean want) { real.setWantClientAuth(want); }
    @Override public boolean getWantClientAuth() { return real.getWantClientAuth(); }
    @Override public void setEnableSessionCreation(boolean flag) { real.setEnableSessionCreation(flag); }
    @Override public boolean getEnableSessionCreation() { return real.getEnableSessionCreation(); }
    @Override public SSLParameters getSSLParameters() { return real.getSSLParameters(); }
    @Override public void setSSLParameters(SSLParameters parameters) { real.setSSLParameters(parameters); }
    @Override public String getApplicationProtocol() { return real.getApplicationProtocol(); }
    @Override public String getHandshakeApplicationProtocol() { return real.getHandshakeApplicationProtocol(); }
    @Override public String getPeerHost() { return real.getPeerHost(); }
    @Override public int getPeerPort() { return real.getPeerPort(); }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        real.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return real.getHandshakeApplicationProtocolSelector();
    }
}

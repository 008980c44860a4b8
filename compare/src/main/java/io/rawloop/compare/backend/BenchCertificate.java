package io.rawloop.compare.backend;

import io.rawloop.loop.IoErrors;
import io.rawloop.loop.TlsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The one key and certificate every back-end serves TLS with in a run: made once, by the running
 * JDK's own {@code keytool}, into a directory of the caller's (a temporary one), never committed.
 * Every back-end gets the same files, so every one shakes hands with the same key, and the load
 * generator trusts exactly this certificate.
 *
 * <p>The key is EC on P-256 (secp256r1) with an ECDSA signature, what a certificate authority
 * issues by default today; its name is {@code localhost} and {@code 127.0.0.1}. The files:
 * {@code bench.p12} (PKCS#12, the key and the certificate), {@code password} (its password, as
 * {@code --tls-password-file} reads it), and {@code cert.pem} (the certificate alone, for
 * {@code curl --cacert} and {@code load --cacert}).
 *
 * @param keystore     the PKCS#12 file
 * @param passwordFile the file with its password
 * @param certificate  the certificate as PEM
 */
public record BenchCertificate(Path keystore, Path passwordFile, Path certificate) {

    /** Makes a fresh key and self-signed certificate in {@code dir}, valid for a week. */
    public static BenchCertificate make(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path keystore = dir.resolve("bench.p12");
        Path passwordFile = dir.resolve("password");
        Path pem = dir.resolve("cert.pem");
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
        keytool(List.of("-genkeypair", "-alias", "bench", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "7", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password));
        keytool(List.of("-exportcert", "-rfc", "-alias", "bench", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", password, "-file", pem.toString()));
        return new BenchCertificate(keystore, passwordFile, pem);
    }

    /**
     * Deletes the three files, and their directory if that is then empty (as the one {@link #make}
     * was given usually is): a key made for a run does not outlive it.
     */
    public void delete() throws IOException {
        for (Path p : new Path[] {keystore, passwordFile, certificate}) {
            if (p != null) {
                Files.deleteIfExists(p);
            }
        }
        Path dir = keystore.toAbsolutePath().getParent();
        try (var left = Files.list(dir)) {
            if (left.findAny().isEmpty()) {
                Files.delete(dir);
            }
        }
    }

    /** The files a back-end's {@code serve} is started with: {@code --tls-keystore F --tls-password-file F}. */
    public List<String> serveArguments() {
        return List.of("--tls-keystore", keystore.toString(), "--tls-password-file", passwordFile.toString());
    }

    /** The key and certificate, for a server's context or Netty's {@code SslContextBuilder}. */
    public KeyManagerFactory keyManagers() throws IOException {
        char[] password = password();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(keystore)) {
                store.load(in, password);
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(store, password);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key in " + keystore + ": " + IoErrors.reason(e), e);
        }
    }

    /** A server context with the key: what the loop and the blocking back-ends serve with. */
    public SSLContext serverContext() throws IOException {
        return TlsFiles.serverContextFromPkcs12(keystore, passwordFile);
    }

    /** Trust in this certificate alone. */
    public TrustManager[] trustManagers() throws IOException {
        return TlsFiles.trustManagers(certificate);
    }

    /** A client context that trusts this certificate alone: for the JDK's HttpClient, say. */
    public SSLContext clientContext() throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("the JDK has no TLS context: " + IoErrors.reason(e), e);
        }
    }

    private char[] password() throws IOException {
        String text = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        return text.toCharArray();
    }

    /** Runs the JDK's keytool (beside the running java) with {@code arguments}; its output is the error's message. */
    private static void keytool(List<String> arguments) throws IOException {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(arguments);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool " + arguments.get(0) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
    }
}

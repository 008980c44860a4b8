package io.rawloop.loop;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@link SSLContext}s from the files a server administrator already has: nginx's
 * {@code ssl_certificate} (a PEM chain, the server's certificate first, then the intermediates)
 * and {@code ssl_certificate_key} (a PEM key), curl's {@code --cacert} (PEM CA certificates), or
 * a PKCS#12 keystore with its password in a file. No BouncyCastle: the JDK reads X.509 and
 * PKCS#8, and this class reads the PEM around them.
 *
 * <p>Keys must be unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), which OpenSSL 3
 * writes by default, holding an RSA, EC or Ed25519 key. Any other format is refused with a
 * message that names it and gives the {@code openssl} command that converts it. Every problem is
 * an {@link IOException} whose message names the file.
 */
public final class TlsFiles {

    /** Guards the in-memory keystores only: they never leave this class. */
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private TlsFiles() {
    }

    /** A server context from {@code chain.pem} and {@code key.pem}. */
    public static SSLContext serverContext(Path chainPem, Path keyPem) throws IOException {
        return context(keyManagers(chainPem, keyPem), null);
    }

    /** A server context from a PKCS#12 keystore ({@code --tls-keystore}, {@code --tls-password-file}). */
    public static SSLContext serverContextFromPkcs12(Path keystore, Path passwordFile) throws IOException {
        return context(keyManagersFromPkcs12(keystore, passwordFile), null);
    }

    /** A client context that trusts the CA certificates of {@code caPem}, and only those. */
    public static SSLContext clientContext(Path caPem) throws IOException {
        return context(null, trustManagers(caPem));
    }

    // region pem
    /** The server's key and chain, checked to belong together. */
    public static KeyManager[] keyManagers(Path chainPem, Path keyPem) throws IOException {
        List<X509Certificate> chain = certificates(chainPem);
        PrivateKey key = privateKey(keyPem);
        if (!belongTogether(key, chain.getFirst())) {
            throw new IOException(keyPem + " is not the key of the first certificate in " + chainPem + " ("
                    + chain.getFirst().getSubjectX500Principal().getName() + "); nginx's rule holds: the server's"
                    + " own certificate first, then the intermediates");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, IN_MEMORY, chain.toArray(X509Certificate[]::new));
            // PKIX, not the default SunX509: it picks the certificate by the signature schemes
            // the client accepts (RFC 8446 §4.2.3).
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(store, IN_MEMORY);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key of " + keyPem + ": " + IoErrors.reason(e), e);
        }
    }

    /** Trust in exactly the certificates of {@code caPem}. */
    public static TrustManager[] trustManagers(Path caPem) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            List<X509Certificate> authorities = certificates(caPem);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the certificates of " + caPem + ": " + IoErrors.reason(e), e);
        }
    }

    /** Every certificate in {@code pem}, in order; at least one. */
    static List<X509Certificate> certificates(Path pem) throws IOException {
        List<X509Certificate> certificates = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Pem.Block block : Pem.read(pem)) {
            labels.add(block.label());
            if (block.label().equals("CERTIFICATE")) {
                try {
                    certificates.add((X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(block.der())));
                } catch (CertificateException e) {
                    throw new IOException(pem + ": certificate " + (certificates.size() + 1) + " is not X.509: "
                            + IoErrors.reason(e), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new IOException(pem + " holds no -----BEGIN CERTIFICATE----- block"
                    + (labels.isEmpty() ? "" : " (it holds " + String.join(", ", labels) + ")"));
        }
        return Collections.unmodifiableList(certificates);
    }

    /** The first private key in {@code pem}, which must be unencrypted PKCS#8. */
    static PrivateKey privateKey(Path pem) throws IOException {
        List<String> labels = new ArrayList<>();
        for (Pem.Block block : Pem.read(pem)) {
            labels.add(block.label());
            String found = switch (block.label()) {
                case "PRIVATE KEY" -> null;
                case "ENCRYPTED PRIVATE KEY" -> "an encrypted PKCS#8 key (-----BEGIN ENCRYPTED PRIVATE KEY-----)";
                case "RSA PRIVATE KEY" -> traditional("an RSA", "PKCS#1", block);
                case "EC PRIVATE KEY" -> traditional("an EC", "SEC 1", block);
                case "DSA PRIVATE KEY" -> traditional("a DSA", "OpenSSL's", block);
                default -> "";
            };
            if (found == null) {
                return pkcs8(pem, block.der());
            }
            if (!found.isEmpty()) {
                throw new IOException(pem + " holds " + found + "; rawloop reads unencrypted PKCS#8 keys"
                        + " (-----BEGIN PRIVATE KEY-----), as OpenSSL 3 writes them. Convert it once: "
                        + "openssl pkcs8 -topk8 -nocrypt -in " + pem + " -out " + converted(pem));
            }
        }
        throw new IOException(pem + " holds no private key (-----BEGIN PRIVATE KEY-----)"
                + (labels.isEmpty() ? "" : "; it holds " + String.join(", ", labels)));
    }

    /** "an RSA key in the traditional OpenSSL format (...)", or "an encrypted RSA key ..." with a password. */
    private static String traditional(String anAlgorithm, String format, Pem.Block block) {
        String algorithm = anAlgorithm.substring(anAlgorithm.indexOf(' ') + 1);
        return (block.encrypted() ? "an encrypted " + algorithm : anAlgorithm)
                + " key in the traditional OpenSSL format (" + format + ", -----BEGIN " + block.label() + "-----)";
    }

    /** Where the conversion command writes: {@code key.pem} becomes {@code key-pkcs8.pem}, beside it. */
    private static Path converted(Path pem) {
        String name = pem.getFileName().toString();
        String stem = name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name;
        return pem.resolveSibling(stem + "-pkcs8.pem");
    }

    /** A PKCS#8 PrivateKeyInfo names its algorithm inside; trying each factory is simpler than parsing it. */
    private static PrivateKey pkcs8(Path pem, byte[] der) throws IOException {
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException notThisOne) {
                // try the next
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot read " + pem + ": " + IoErrors.reason(e), e);
            }
        }
        throw new IOException(pem + " holds a PKCS#8 key that is not RSA, EC or Ed25519, or is damaged");
    }

    /** Whether {@code certificate} verifies what {@code key} signs. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) throws IOException {
        String algorithm = switch (key) {
            case RSAPrivateKey _ -> "SHA256withRSA";
            case ECPrivateKey _ -> "SHA256withECDSA";
            case EdECPrivateKey ed -> ed.getParams().getName();
            default -> throw new IOException("unexpected key type " + key.getAlgorithm());
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException mismatched) {
            return false;   // a certificate for another algorithm than the key's
        }
    }
    // endregion pem

    // region pkcs12
    /** The key and chain of a PKCS#12 keystore, opened with the password in {@code passwordFile}. */
    public static KeyManager[] keyManagersFromPkcs12(Path keystore, Path passwordFile) throws IOException {
        char[] password = password(passwordFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, password);
            } catch (IOException e) {
                if (e.getCause() instanceof UnrecoverableKeyException) {
                    throw new IOException("the password in " + passwordFile + " does not open " + keystore, e);
                }
                throw new IOException("cannot read the PKCS#12 keystore " + keystore + ": " + IoErrors.reason(e), e);
            }
            if (Collections.list(store.aliases()).stream().noneMatch(alias -> isKey(store, alias))) {
                throw new IOException(keystore + " holds no private key, only certificates");
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(store, password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key in " + keystore + ": " + IoErrors.reason(e), e);
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The password in {@code file}, without one trailing newline ({@code \n} or {@code \r\n}):
     * what {@code echo secret > file} leaves is not part of the password.
     */
    static char[] password(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read the password file " + file + ": " + IoErrors.reason(e), e);
        }
        int end = text.endsWith("\r\n") ? text.length() - 2 : text.endsWith("\n") ? text.length() - 1 : text.length();
        return text.substring(0, end).toCharArray();
    }
    // endregion pkcs12

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a TLS context: " + IoErrors.reason(e), e);
        }
    }
}

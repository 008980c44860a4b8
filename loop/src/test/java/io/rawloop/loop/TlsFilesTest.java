package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rawloop.loop.TlsPair.Tasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS contexts from nginx-style PEM files and from PKCS#12, every file made here by
 * {@code openssl} (3.x: its defaults are the formats servers meet), and every refusal's message
 * checked, including that the command it suggests really converts the key.
 */
@Timeout(120)
class TlsFilesTest {

    @TempDir
    static Path dir;
    private static final Map<String, Path> CHAINS = new HashMap<>();

    @BeforeAll
    static void opensslIsInstalled() throws Exception {
        try {
            TestCertificates.run(dir, "openssl", "version");
        } catch (IOException notFound) {
            assumeTrue(false, "these tests make their files with openssl, which is not installed: " + notFound);
        }
    }

    @ParameterizedTest(name = "{0} key, {1}")
    @CsvSource({"RSA, TLSv1.3", "RSA, TLSv1.2", "EC, TLSv1.3", "EC, TLSv1.2", "ED25519, TLSv1.3", "ED25519, TLSv1.2"})
    void aChainAndItsPkcs8KeyServeAHandshakeThatTheCaFileTrusts(String algorithm, String protocol) throws Exception {
        Path files = chain(algorithm);
        SSLContext server = TlsFiles.serverContext(files.resolve("chain.pem"), files.resolve("key.pem"));
        SSLContext client = TlsFiles.clientContext(files.resolve("ca.pem"));
        TlsPair pair = handshake(server, client, protocol);
        assertEquals(protocol, pair.client.handshake.protocol());
        assertEquals(2, pair.client.engine.getSession().getPeerCertificates().length,
                "the server sent its certificate and the intermediate, in the file's order");
    }

    @Test
    void anEncryptedPkcs8KeyIsRefusedWithTheCommandThatDecryptsIt() throws Exception {
        Path files = chain("RSA");
        Path encrypted = files.resolve("encrypted.pem");
        openssl(files, "pkcs8", "-topk8", "-in", "key.pem", "-passout", "pass:secret", "-out", encrypted.toString());
        IOException refused = assertThrows(IOException.class,
                () -> TlsFiles.serverContext(files.resolve("chain.pem"), encrypted));
        assertEquals(encrypted + " holds an encrypted PKCS#8 key (-----BEGIN ENCRYPTED PRIVATE KEY-----); rawloop"
                + " reads unencrypted PKCS#8 keys (-----BEGIN PRIVATE KEY-----), as OpenSSL 3 writes them. Convert it"
                + " once: openssl pkcs8 -topk8 -nocrypt -in " + encrypted + " -out " + files.resolve("encrypted-pkcs8.pem"),
                refused.getMessage());
        assertTheAdviceWorks(files, refused, "-passin", "pass:secret");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "RSA|rsa-traditional.pem|an RSA key in the traditional OpenSSL format (PKCS#1, -----BEGIN RSA PRIVATE KEY-----)",
        "EC|ec-traditional.pem|an EC key in the traditional OpenSSL format (SEC 1, -----BEGIN EC PRIVATE KEY-----)",
        "RSA|rsa-encrypted.pem|an encrypted RSA key in the traditional OpenSSL format (PKCS#1, -----BEGIN RSA PRIVATE KEY-----)",
    })
    void traditionalKeysAreRefusedByTheirFormatWithTheCommandThatConvertsThem(String algorithm, String name,
            String format) throws Exception {
        Path files = chain(algorithm);
        Path traditional = files.resolve(name);
        boolean encrypted = name.contains("encrypted");
        List<String> convert = new ArrayList<>(List.of("pkey", "-in", "key.pem", "-traditional", "-out", name));
        if (encrypted) {
            convert.addAll(List.of("-aes256", "-passout", "pass:secret"));
        }
        openssl(files, convert.toArray(String[]::new));
        IOException refused = assertThrows(IOException.class,
                () -> TlsFiles.serverContext(files.resolve("chain.pem"), traditional));
        assertTrue(refused.getMessage().startsWith(traditional + " holds " + format + "; "), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("openssl pkcs8 -topk8 -nocrypt -in " + traditional + " -out "
                + traditional.resolveSibling(name.replace(".pem", "-pkcs8.pem"))), refused.getMessage());
        assertTheAdviceWorks(files, refused, encrypted ? new String[] {"-passin", "pass:secret"} : new String[0]);
    }

    @Test
    void aKeyThatIsNotTheFirstCertificatesIsRefused() throws Exception {
        Path rsa = chain("RSA");
        Path ec = chain("EC");
        IOException refused = assertThrows(IOException.class,
                () -> TlsFiles.keyManagers(rsa.resolve("chain.pem"), ec.resolve("key.pem")));
        assertEquals(ec.resolve("key.pem") + " is not the key of the first certificate in " + rsa.resolve("chain.pem")
                + " (CN=localhost); nginx's rule holds: the server's own certificate first, then the intermediates",
                refused.getMessage());

        Path reversed = rsa.resolve("reversed.pem");   // the intermediate first: the same refusal
        Files.writeString(reversed, Files.readString(rsa.resolve("inter.pem")) + Files.readString(rsa.resolve("leaf.pem")));
        refused = assertThrows(IOException.class, () -> TlsFiles.keyManagers(reversed, rsa.resolve("key.pem")));
        assertTrue(refused.getMessage().contains("(CN=rawloop test intermediate)"), refused.getMessage());
    }

    @Test
    void swappedFilesAreRefusedWithWhatTheyHold() throws Exception {
        Path files = chain("EC");
        IOException noCertificate = assertThrows(IOException.class,
                () -> TlsFiles.serverContext(files.resolve("key.pem"), files.resolve("chain.pem")));
        assertEquals(files.resolve("key.pem") + " holds no -----BEGIN CERTIFICATE----- block (it holds PRIVATE KEY)",
                noCertificate.getMessage());
        IOException noKey = assertThrows(IOException.class, () -> TlsFiles.privateKey(files.resolve("chain.pem")));
        assertEquals(files.resolve("chain.pem") + " holds no private key (-----BEGIN PRIVATE KEY-----); it holds"
                + " CERTIFICATE, CERTIFICATE", noKey.getMessage());
    }

    @Test
    void damagedAndMissingFilesAreNamed() throws Exception {
        Path files = chain("EC");
        String leaf = Files.readString(files.resolve("leaf.pem"));
        Path noEnd = write("no-end.pem", leaf.substring(0, leaf.indexOf("-----END")));
        assertEquals(noEnd + ": BEGIN CERTIFICATE has no END line",
                assertThrows(IOException.class, () -> TlsFiles.certificates(noEnd)).getMessage());
        Path wrongEnd = write("wrong-end.pem", leaf.replace("END CERTIFICATE", "END PRIVATE KEY"));
        assertTrue(assertThrows(IOException.class, () -> TlsFiles.certificates(wrongEnd)).getMessage()
                .contains(": BEGIN CERTIFICATE ends with -----END PRIVATE KEY-----"));
        Path badBase64 = write("bad-base64.pem", "-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n");
        assertTrue(assertThrows(IOException.class, () -> TlsFiles.certificates(badBase64)).getMessage()
                .startsWith(badBase64 + ": the CERTIFICATE block is not valid base64"));
        Path notX509 = write("not-x509.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertTrue(assertThrows(IOException.class, () -> TlsFiles.certificates(notX509)).getMessage()
                .startsWith(notX509 + ": certificate 1 is not X.509"));
        Path missing = dir.resolve("missing.pem");
        assertEquals("cannot read " + missing + ": no such file",
                assertThrows(IOException.class, () -> TlsFiles.clientContext(missing)).getMessage());
        Path withText = write("with-text.pem", "Certificate:\n    Data: explanatory text\n" + leaf);
        assertEquals(1, TlsFiles.certificates(withText).size(), "text around the blocks is skipped (RFC 7468 §2)");
    }

    @ParameterizedTest(name = "password file {0}")
    @ValueSource(strings = {"secret", "secret\n", "secret\r\n"})
    void aPkcs12KeystoreOpensWithThePasswordInAFileLessOneTrailingNewline(String contents) throws Exception {
        Path files = chain("EC");
        Path keystore = pkcs12(files);
        Path password = write("password-" + contents.length(), contents);
        SSLContext server = TlsFiles.serverContextFromPkcs12(keystore, password);
        TlsPair pair = handshake(server, TlsFiles.clientContext(files.resolve("ca.pem")), "TLSv1.3");
        assertNull(pair.server.closeCause);
    }

    @Test
    void aPkcs12KeystoreRefusesTheWrongPasswordAndOnlyOneNewlineIsStripped() throws Exception {
        Path files = chain("EC");
        Path keystore = pkcs12(files);
        Path twoNewlines = write("password-two-newlines", "secret\n\n");
        IOException refused = assertThrows(IOException.class, () -> TlsFiles.keyManagersFromPkcs12(keystore, twoNewlines));
        assertEquals("the password in " + twoNewlines + " does not open " + keystore, refused.getMessage());
        assertArrayEquals("secret\n".toCharArray(), TlsFiles.password(twoNewlines));
        assertArrayEquals(new char[0], TlsFiles.password(write("password-empty", "")));
    }

    @Test
    void aPkcs12KeystoreWithoutAKeyOrNotPkcs12AtAllIsRefused() throws Exception {
        Path files = chain("EC");
        Path password = write("password-plain", "secret");
        Path certificatesOnly = files.resolve("certificates-only.p12");
        openssl(files, "pkcs12", "-export", "-nokeys", "-in", "ca.pem", "-passout", "pass:secret",
                "-out", certificatesOnly.toString());
        assertEquals(certificatesOnly + " holds no private key, only certificates",
                assertThrows(IOException.class, () -> TlsFiles.keyManagersFromPkcs12(certificatesOnly, password))
                        .getMessage());
        Path pem = files.resolve("chain.pem");
        assertTrue(assertThrows(IOException.class, () -> TlsFiles.keyManagersFromPkcs12(pem, password))
                .getMessage().startsWith("cannot read the PKCS#12 keystore " + pem + ": "));
    }

    /**
     * A root CA, an intermediate and a {@code localhost} certificate with a key of
     * {@code algorithm}, made once per algorithm: {@code chain.pem} (the certificate, then the
     * intermediate), {@code key.pem} (PKCS#8, as OpenSSL 3 writes it) and {@code ca.pem} (the root).
     */
    static synchronized Path chain(String algorithm) throws Exception {
        Path existing = CHAINS.get(algorithm);
        if (existing != null) {
            return existing;
        }
        Path files = Files.createDirectories(dir.resolve(algorithm.toLowerCase()));
        Files.writeString(files.resolve("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        Files.writeString(files.resolve("leaf.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
        generateKey(files, "EC", "root.key");
        openssl(files, "req", "-new", "-key", "root.key", "-subj", "/CN=rawloop test root", "-out", "root.csr");
        openssl(files, "x509", "-req", "-in", "root.csr", "-key", "root.key", "-set_serial", "1", "-days", "2",
                "-extfile", "ca.ext", "-out", "ca.pem");
        generateKey(files, "EC", "inter.key");
        openssl(files, "req", "-new", "-key", "inter.key", "-subj", "/CN=rawloop test intermediate", "-out", "inter.csr");
        openssl(files, "x509", "-req", "-in", "inter.csr", "-CA", "ca.pem", "-CAkey", "root.key", "-set_serial", "2",
                "-days", "2", "-extfile", "ca.ext", "-out", "inter.pem");
        generateKey(files, algorithm, "key.pem");
        openssl(files, "req", "-new", "-key", "key.pem", "-subj", "/CN=localhost", "-out", "leaf.csr");
        openssl(files, "x509", "-req", "-in", "leaf.csr", "-CA", "inter.pem", "-CAkey", "inter.key", "-set_serial", "3",
                "-days", "2", "-extfile", "leaf.ext", "-out", "leaf.pem");
        Files.writeString(files.resolve("chain.pem"),
                Files.readString(files.resolve("leaf.pem")) + Files.readString(files.resolve("inter.pem")));
        assertTrue(Files.readString(files.resolve("key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
        CHAINS.put(algorithm, files);
        return files;
    }

    private static void generateKey(Path files, String algorithm, String name) throws Exception {
        switch (algorithm) {
            case "RSA" -> openssl(files, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name);
            case "EC" -> openssl(files, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name);
            default -> openssl(files, "genpkey", "-algorithm", algorithm, "-out", name);
        }
    }

    /** The chain and key of {@code files} in a PKCS#12 keystore whose password is "secret". */
    private static Path pkcs12(Path files) throws Exception {
        Path keystore = files.resolve("server.p12");
        if (!Files.exists(keystore)) {
            openssl(files, "pkcs12", "-export", "-inkey", "key.pem", "-in", "chain.pem", "-passout", "pass:secret",
                    "-out", keystore.toString());
        }
        return keystore;
    }

    /** Runs the openssl command at the end of {@code refusal}'s message, then loads the key it wrote. */
    private static void assertTheAdviceWorks(Path files, IOException refusal, String... moreArguments) throws Exception {
        String message = refusal.getMessage();
        List<String> command = new ArrayList<>(List.of(message.substring(message.indexOf("openssl pkcs8")).split(" ")));
        command.addAll(List.of(moreArguments));
        TestCertificates.run(files, command.toArray(String[]::new));
        Path converted = Path.of(command.get(command.indexOf("-out") + 1));
        assertTrue(Files.readString(converted).startsWith("-----BEGIN PRIVATE KEY-----"));
        TlsFiles.keyManagers(files.resolve("chain.pem"), converted);   // loads, and matches the certificate
    }

    private static TlsPair handshake(SSLContext server, SSLContext client, String protocol) throws Exception {
        SSLEngine clientEngine = TlsLayerTest.forced(TlsEngines.client(client, "localhost", 443), protocol);
        TlsPair pair = new TlsPair(clientEngine, TlsEngines.server(server), Tasks.QUEUED, TlsPair.random(3)).start();
        pair.settle();
        assertNull(pair.client.closeCause, () -> "client: " + pair.client.closeCause);
        assertEquals(TlsLayer.State.OPEN, pair.client.layer.state());
        assertEquals(TlsLayer.State.OPEN, pair.server.layer.state());
        return pair;
    }

    private static void openssl(Path files, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        TestCertificates.run(files, command.toArray(String[]::new));
    }

    private static Path write(String name, String contents) throws IOException {
        return Files.writeString(dir.resolve(name), contents);
    }
}

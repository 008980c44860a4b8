package io.rawloop.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test CA and certificates signed by it, made by {@code openssl} in a fresh directory when a
 * test class starts: no key is ever committed. Files, as nginx takes them:
 * <ul>
 *   <li>{@code ca.pem}: the CA's certificate (what {@code curl --cacert} trusts);</li>
 *   <li>{@code localhost.pem}, {@code localhost.key}: a chain and PKCS#8 key for localhost and 127.0.0.1;</li>
 *   <li>{@code other.pem}, {@code other.key}: the same CA, for {@code other.example} only (a name mismatch);</li>
 *   <li>{@code self.pem}, {@code self.key}: self-signed for localhost, signed by no CA.</li>
 * </ul>
 * On demand: {@link #expired()} (signed by the CA, valid only in 2020) and {@link #pkcs12(String)}.
 */
public final class TestPki {

    /** The directory holding the files. */
    public final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** Makes every file in {@code dir}; skips the calling test when openssl is missing. */
    public static TestPki create(Path dir) throws Exception {
        try {
            run(dir, "openssl", "version");
        } catch (IOException notFound) {
            assumeTrue(false, "TLS tests make their certificates with openssl, which is not installed: " + notFound);
        }
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=rawloop test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        leaf(dir, "localhost", "DNS:localhost,IP:127.0.0.1");
        leaf(dir, "other", "DNS:other.example");
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "self.key", "-out", "self.pem", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        return new TestPki(dir);
    }

    private static void leaf(Path dir, String name, String names) throws Exception {
        run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + names + "\nbasicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
        run(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    /**
     * {@code expired.pem} and {@code expired.key}: signed by the CA for localhost and 127.0.0.1,
     * valid only on 1 January 2020. OpenSSL 3.0's {@code x509} has no {@code -not_before} (3.4
     * added it), so the dates go through {@code openssl ca}, which takes them as they are.
     */
    public Path expired() throws Exception {
        if (!Files.exists(file("expired.pem"))) {
            run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "expired.key", "-out", "expired.csr", "-subj", "/CN=expired");
            Files.writeString(file("expired.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                    + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
            Files.writeString(file("index.txt"), "");
            Files.writeString(file("ca.cnf"), "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\n"
                    + "serial = ca.srl\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n");
            run(dir, "openssl", "ca", "-batch", "-notext", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key",
                    "-in", "expired.csr", "-out", "expired.pem", "-extfile", "expired.ext",
                    "-startdate", "20200101000000Z", "-enddate", "20200102000000Z");
        }
        return file("expired.pem");
    }

    /**
     * {@code localhost.p12}: the localhost chain and key in a PKCS#12 keystore, as {@code openssl
     * pkcs12 -export} writes it, opened by {@code password}, which is also written to
     * {@code localhost.password} (with a newline, as {@code echo} leaves it).
     */
    public Path pkcs12(String password) throws Exception {
        Files.writeString(file("localhost.password"), password + "\n");
        run(dir, "openssl", "pkcs12", "-export", "-in", "localhost.pem", "-inkey", "localhost.key", "-name", "localhost",
                "-out", "localhost.p12", "-passout", "file:localhost.password");
        return file("localhost.p12");
    }

    /** A file of the set, by name: {@code pki.file("ca.pem")}. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** True when {@code command} is on the PATH. */
    public static boolean installed(String command) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs {@code command} in {@code dir}; fails unless it exits 0 within 60 s. Returns its output. */
    public static String run(Path dir, String... command) throws IOException, InterruptedException {
        Result r = runWith(dir, null, List.of(command));
        assertEquals(0, r.exit(), String.join(" ", command) + " failed:\n" + r.output());
        return r.output();
    }

    /** A finished process: its exit status and its output (stdout and stderr together). */
    public record Result(int exit, String output) {
    }

    /** Runs {@code command} in {@code dir} with {@code input} on its stdin (null: none); at most 60 s. */
    public static Result runWith(Path dir, byte[] input, List<String> command) throws IOException, InterruptedException {
        return runWith(dir, input, command, 60);
    }

    /** The same, killed after {@code seconds}. */
    public static Result runWith(Path dir, byte[] input, List<String> command, int seconds)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        // A read cannot be interrupted by @Timeout: past the deadline the process is killed.
        CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS).execute(process::destroyForcibly);
        try (var in = process.getOutputStream()) {
            if (input != null) {
                in.write(input);
            }
        }
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "still running: " + String.join(" ", command));
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}

package io.rawloop.compare.backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** One {@link BenchCertificate} for the tests of a JVM, made at first use, its files deleted when the JVM ends. */
public final class TestCertificate {

    private static BenchCertificate made;

    private TestCertificate() {
    }

    /** The tests' certificate, made by keytool the first time. */
    public static synchronized BenchCertificate get() throws IOException {
        if (made == null) {
            BenchCertificate certificate = BenchCertificate.make(Files.createTempDirectory("rawloop-test-tls"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    certificate.delete();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
            made = certificate;
        }
        return made;
    }
}

package io.rawloop.compare.backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** One {@link BenchCertificate} for the tests of a JVM, made at first use, its files deleted when the JVM ends. */
public final class TestCertificate {

    private static BenchCertificate made;

    private TestCertificate() {
    }

    /** The tests' certificate, made by keytool the first time. */
    public static synchronized BenchCertificate get() throws IOException {
        if (made == null) {
            Path dir = Files.createTempDirectory("rawloop-test-tls");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            made = BenchCertificate.make(dir);
        }
        return made;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

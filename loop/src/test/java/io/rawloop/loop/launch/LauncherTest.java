package io.rawloop.loop.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher, in a real jar run by real JVMs: an old Java gets one line that names the Java
 * needed and exits 1; Java 25 runs the real main with the arguments, its exit status passed on.
 */
@Timeout(120)
class LauncherTest {

    @TempDir
    Path dir;

    /** The real main of the test jar: says it ran, with its arguments, and exits 3. */
    public static final class Target {
        private Target() {
        }

        /**
         * Prints the arguments and exits 3.
         *
         * @param args whatever the launcher was given
         */
        public static void main(String[] args) {
            System.out.println("handed over: " + String.join(" ", args));
            System.exit(3);
        }
    }

    @Test
    void versionsAreReadAsFeatureNumbers() {
        assertEquals(8, Launcher.feature("1.8"));
        assertEquals(17, Launcher.feature("17"));
        assertEquals(25, Launcher.feature("25.0.1"));
        assertEquals(0, Launcher.feature("weird"));
    }

    @Test
    void java25HandsOverToTheRealMainWithItsArguments() throws Exception {
        Path jar = jar();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();   // the tests' own: 25
        Result r = run(java, jar, "a", "b c");
        assertEquals(3, r.exit, r.output);
        assertEquals("handed over: a b c", r.output.strip());
    }

    @Test
    void anOlderJavaIsToldWhichJavaIsNeededAndExits1() throws Exception {
        String old = olderJava();
        assumeTrue(old != null, "no Java older than 25 under /usr/lib/jvm to try");
        Path jar = jar();
        Result r = run(old, jar);
        assertEquals(1, r.exit, r.output);
        assertEquals(1, r.output.strip().lines().count(), "one line: " + r.output);
        assertTrue(r.output.startsWith("rawloop needs Java 25 or newer, but this is Java "), r.output);
        assertTrue(r.output.contains(jar.toString()), "it names the jar to run: " + r.output);
    }

    private Path jar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Launcher.class.getName());
        manifest.getMainAttributes().putValue(Launcher.TARGET_ATTRIBUTE, Target.class.getName());
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (Class<?> c : List.of(Launcher.class, Target.class)) {
                String entry = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (var in = c.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String java, Path jar, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(java, "-jar", jar.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher finished");
        return new Result(p.exitValue(), output);
    }

    /** A java older than 25 under /usr/lib/jvm, from its release file, or null. */
    private static String olderJava() throws IOException {
        File[] jdks = new File("/usr/lib/jvm").listFiles();
        if (jdks == null) {
            return null;
        }
        for (File jdk : jdks) {
            Path release = jdk.toPath().resolve("release");
            Path java = jdk.toPath().resolve("bin/java");
            if (Files.isRegularFile(release) && Files.isExecutable(java)) {
                try (Stream<String> lines = Files.lines(release)) {
                    String version = lines.filter(l -> l.startsWith("JAVA_VERSION=")).findFirst().orElse("");
                    int feature = Launcher.feature(version.substring(version.indexOf('=') + 1).replace("\"", ""));
                    if (feature >= 8 && feature < 25) {
                        return java.toString();
                    }
                }
            }
        }
        return null;
    }
}

package io.rawloop.loop.launch;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.util.jar.JarFile;

/**
 * The first class of every runnable rawloop jar, compiled for Java 8 so that any {@code java}
 * can load it: on a Java older than 25 it says which Java is needed and how to point at one, and
 * exits 1, instead of an {@code UnsupportedClassVersionError ... class file version 69.0}; on
 * Java 25 it hands over to the jar's real main class, named by the manifest's
 * {@value #TARGET_ATTRIBUTE} attribute (one manifest read and one reflective call at startup).
 */
public final class Launcher {

    /** The manifest attribute naming the class whose {@code main} the launcher calls. */
    public static final String TARGET_ATTRIBUTE = "Rawloop-Main-Class";
    private static final int NEEDED = 25;

    private Launcher() {
    }

    /**
     * Checks the Java version, then runs the jar's real main class with {@code args}.
     *
     * @param args the command line, passed on as it is
     * @throws Throwable whatever the real main throws
     */
    public static void main(String[] args) throws Throwable {
        String jar = ownJar();
        int feature = feature(System.getProperty("java.specification.version", "0"));
        if (feature < NEEDED) {
            System.err.println(tooOld(feature, jar));
            System.exit(1);
        }
        String target;
        JarFile file = new JarFile(jar);
        try {
            target = file.getManifest().getMainAttributes().getValue(TARGET_ATTRIBUTE);
        } finally {
            file.close();
        }
        if (target == null) {
            throw new IllegalStateException(jar + " has no " + TARGET_ATTRIBUTE + " in its manifest");
        }
        try {
            Class.forName(target).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();   // as if the real main had been called directly
        }
    }

    /** The jar this class was loaded from: the runnable jar itself. */
    private static String ownJar() throws java.net.URISyntaxException {
        return new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }

    /** "1.8" is 8, "17" is 17. */
    static int feature(String specification) {
        String s = specification.startsWith("1.") ? specification.substring(2) : specification;
        int dot = s.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** What to tell someone who ran {@code jar} on Java {@code feature}: one line. */
    static String tooOld(int feature, String jar) {
        StringBuilder text = new StringBuilder("rawloop needs Java " + NEEDED + " or newer, but this is Java " + feature
                + " (" + System.getProperty("java.home") + ").");
        String found = installedJdk();
        if (found != null) {
            text.append(" A JDK ").append(NEEDED).append("+ is installed: run ").append(found).append(" -jar ")
                    .append(jar).append(", or put its bin directory first on PATH.");
        } else {
            text.append(" Install a JDK ").append(NEEDED).append(" and run its bin/java -jar ").append(jar)
                    .append(", or put its bin directory first on PATH.");
        }
        return text.toString();
    }

    /** The java of a JDK 25 or newer under /usr/lib/jvm (where Debian and Ubuntu put them), or null. */
    private static String installedJdk() {
        File[] jdks = new File("/usr/lib/jvm").listFiles();
        if (jdks == null) {
            return null;
        }
        for (File jdk : jdks) {
            File release = new File(jdk, "release");
            File java = new File(jdk, "bin/java");
            if (release.isFile() && java.isFile()) {
                try {
                    for (String line : Files.readAllLines(release.toPath())) {
                        if (line.startsWith("JAVA_VERSION=")
                                && feature(line.substring(13).replace("\"", "")) >= NEEDED) {
                            return java.getPath();
                        }
                    }
                } catch (IOException | RuntimeException unreadable) {
                    // not this one
                }
            }
        }
        return null;
    }
}

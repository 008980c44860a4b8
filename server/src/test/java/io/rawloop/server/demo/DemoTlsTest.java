package io.rawloop.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.TlsFiles;
import io.rawloop.server.tls.TestPki;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo's HTTPS listener as a real process: its options, its two lines, its refusals. */
@Timeout(120)
class DemoTlsTest {

    @TempDir
    Path dir;

    private Process demo(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), DemoServer.class.getName()));
        command.addAll(List.of(args));
        Process demo = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        CompletableFuture.delayedExecutor(110, TimeUnit.SECONDS).execute(demo::destroyForcibly);
        return demo;
    }

    @Test
    void withPemFilesItListensOnHttpsTooAndStatsCountTheHandshakes() throws Exception {
        TestPki.create(dir);
        Process demo = demo("--port", "0", "--loops", "1", "--tls-port", "0", "--tls-cert", "localhost.pem",
                "--tls-key", "localhost.key", "--handshake-timeout", "5s");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
             HttpClient client = HttpClient.newBuilder().sslContext(TlsFiles.clientContext(dir.resolve("ca.pem"))).build()) {
            String line = out.readLine();
            while (line != null && line.startsWith("note: ")) {
                line = out.readLine();
            }
            assertTrue(line != null && line.startsWith("listening on http://127.0.0.1:"), line);
            String https = out.readLine();
            assertTrue(https != null && https.startsWith("listening on https://127.0.0.1:"), https);
            String base = "https://localhost:" + https.substring(https.lastIndexOf(':') + 1);
            HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("Hello, World!", hello.body());
            String stats = client.send(HttpRequest.newBuilder(URI.create(base + "/stats")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(stats.contains("\"tls\":{\"handshakes\":1,\"handshakeFailures\":0,\"versions\":{\"TLSv1.3\":1}}"),
                    stats);
            // /fetch takes https too; the demo trusts only the JDK's CAs, so the test CA's certificate is refused.
            HttpResponse<String> relayed = client.send(HttpRequest.newBuilder(URI.create(base + "/fetch?url=" + base + "/hello"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(502, relayed.statusCode(), relayed.body());
            assertTrue(relayed.body().contains("the server's certificate is not signed by a CA we trust"), relayed.body());
        } finally {
            demo.destroyForcibly();
        }
    }

    @Test
    void aBadKeyFileIsNamedOnStderrWithExitStatus2AndNoStackTrace() throws Exception {
        TestPki.create(dir);
        Files.writeString(dir.resolve("bad.key"), "not a key\n");
        Process demo = demo("--port", "0", "--tls-port", "0", "--tls-cert", "localhost.pem", "--tls-key", "bad.key");
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(demo.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, demo.exitValue(), output);
        assertTrue(output.startsWith("bad.key holds no private key"), output);
        assertFalse(output.contains("Exception") || output.contains("\tat "), output);
    }

    @Test
    void withAPkcs12KeystoreAndItsPasswordFileItServesCurl() throws Exception {
        TestPki pki = TestPki.create(dir);
        pki.pkcs12("correct horse");
        Process demo = demo("--port", "0", "--loops", "1", "--tls-port", "0", "--tls-keystore", "localhost.p12",
                "--tls-password-file", "localhost.password");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("listening on https://")) {
                // the notes, then the http line
            }
            assertTrue(line != null, "the demo ended without an https listener");
            String url = "https://localhost:" + line.substring(line.lastIndexOf(':') + 1) + "/hello";
            assertEquals("Hello, World! 200", TestPki.run(dir, "curl", "-sS", "--cacert", "ca.pem", "-w", " %{http_code}", url));
        } finally {
            demo.destroyForcibly();
        }
    }

    @Test
    void aWrongPasswordOrAMissingKeystoreOrPasswordFileIsOneLineOnStderrWithExitStatus2() throws Exception {
        TestPki pki = TestPki.create(dir);
        pki.pkcs12("correct horse");
        Files.writeString(dir.resolve("wrong.password"), "battery staple\n");
        assertEquals("the password in wrong.password does not open localhost.p12",
                refusal("--tls-keystore", "localhost.p12", "--tls-password-file", "wrong.password"));
        assertEquals("cannot read the PKCS#12 keystore none.p12: no such file",
                refusal("--tls-keystore", "none.p12", "--tls-password-file", "localhost.password"));
        assertEquals("cannot read the password file none.password: no such file",
                refusal("--tls-keystore", "localhost.p12", "--tls-password-file", "none.password"));
    }

    /** The demo's whole output when it refuses {@code tlsOptions}: exit status 2, one line, no stack trace. */
    private String refusal(String... tlsOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--tls-port", "0"));
        args.addAll(List.of(tlsOptions));
        Process demo = demo(args.toArray(String[]::new));
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(demo.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, demo.exitValue(), output);
        assertFalse(output.contains("Exception") || output.contains("\tat "), output);
        assertEquals(1, output.lines().count(), output);
        return output.strip();
    }

    @Test
    void tlsOptionsThatDoNotGoTogetherAreRefusedBeforeAnythingStarts() throws Exception {
        DemoServer demo = new DemoServer();
        new CommandLine(demo).parseArgs("--tls-port", "0", "--tls-cert", "a.pem");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                demo::tlsContext);
        assertEquals("--tls-cert and --tls-key go together: give both", e.getMessage());
        DemoServer none = new DemoServer();
        new CommandLine(none).parseArgs("--tls-key", "k.pem");
        assertEquals("--tls-cert, --tls-key, --tls-keystore and --tls-password-file need --tls-port",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, none::tlsContext).getMessage());
        DemoServer defaults = new DemoServer();
        new CommandLine(defaults).parseArgs("--handshake-timeout", "3s");
        assertEquals(Duration.ofSeconds(3), defaults.config().handshakeTimeout());
    }
}

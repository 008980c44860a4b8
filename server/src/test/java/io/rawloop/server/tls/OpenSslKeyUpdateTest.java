package io.rawloop.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.Clock;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A KeyUpdate from OpenSSL in the middle of a connection to our server (RFC 8446 §4.6.3): the
 * JDK never sends one on request, so s_client does, with its command letters typed between two
 * requests: {@code k} changes its own key, {@code K} also asks for ours. Both requests are
 * answered, and with {@code K} our KeyUpdate comes back before the second answer; with
 * {@code k} none does (the RFC forbids an answer to update_not_requested). {@code -msg} shows
 * each handshake message with its bytes: {@code 18 00 00 01 01} is KeyUpdate(update_requested).
 */
@Timeout(120)
class OpenSslKeyUpdateTest {

    private static final String REQUEST = "GET /line HTTP/1.1\r\nHost: localhost\r\n\r\n";
    private static final String THEIRS = ">>> TLS 1.3, Handshake [length 0005], KeyUpdate";
    private static final String OURS = "<<< TLS 1.3, Handshake [length 0005], KeyUpdate";

    @TempDir
    static Path dir;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.create(dir);
        // A body that ends its line: s_client's output is read line by line.
        server = HttpServer.start(List.of(HttpServer.Listener.tls(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        TlsFiles.serverContext(pki.file("localhost.pem"), pki.file("localhost.key")))), 1, ServerConfig.DEFAULT,
                new Router().get("/line", Handler.of(r -> Response.text(200, "Hello, World!\n"))), Clock.system());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "s_client''s {0}")
    @ValueSource(strings = {"k", "K"})
    void aKeyUpdateBetweenTwoRequestsIsTakenAndBothAreAnswered(String letter) throws Exception {
        // Not -quiet: it implies -ign_eof, which turns the command letters off.
        Process client = new ProcessBuilder("openssl", "s_client", "-tls1_3", "-msg", "-CAfile", "ca.pem",
                "-verify_return_error", "-servername", "localhost", "-connect", "127.0.0.1:" + server.port())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        CompletableFuture.delayedExecutor(100, TimeUnit.SECONDS).execute(client::destroyForcibly);
        Transcript out = new Transcript(client);
        try (OutputStream in = client.getOutputStream()) {
            type(in, REQUEST);
            out.await("Hello, World!");
            // Alone in its read: s_client looks at the first byte of what it reads from stdin.
            type(in, letter + "\n");
            out.await("KEYUPDATE");
            List<String> between = out.await(THEIRS);
            String sent = out.next();
            assertEquals(letter.equals("K") ? "18 00 00 01 01" : "18 00 00 01 00", sent.strip(), "s_client's KeyUpdate");
            type(in, REQUEST.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
            between.addAll(out.await("Hello, World!"));
            boolean answered = between.stream().anyMatch(l -> l.startsWith(OURS));
            assertEquals(letter.equals("K"), answered, (letter.equals("K") ? "our KeyUpdate must answer update_requested"
                    : "update_not_requested must not be answered") + ":\n" + out);
            out.await("closed");   // the server's close after Connection: close
        } finally {
            client.destroyForcibly();
        }
    }

    private static void type(OutputStream in, String text) throws Exception {
        in.write(text.getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /** s_client's output, line by line as it comes, read by a thread of its own. */
    private static final class Transcript {

        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder all = new StringBuilder();

        Transcript(Process process) {
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.ISO_8859_1))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (Exception ended) {
                    // the process was killed
                }
                lines.add("\0end of output");
            });
        }

        /** The next line, within 30 s. */
        String next() throws InterruptedException {
            String line = lines.poll(30, TimeUnit.SECONDS);
            assertTrue(line != null && !line.equals("\0end of output"), "s_client said no more:\n" + all);
            all.append(line).append('\n');
            return line;
        }

        /** Reads up to the line that starts with {@code start}; the lines before it. */
        List<String> await(String start) throws InterruptedException {
            List<String> before = new ArrayList<>();
            for (String line; !(line = next()).startsWith(start); ) {
                before.add(line);
            }
            return before;
        }

        @Override
        public String toString() {
            return all.toString();
        }
    }
}

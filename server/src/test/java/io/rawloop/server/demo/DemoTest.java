package io.rawloop.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.server.HttpServer;
import io.rawloop.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every demo endpoint, through the JDK's HttpClient and through curl. */
@Timeout(60)
class DemoTest {

    @TempDir
    Path files;
    private HttpServer server;
    private HttpClient client;
    private String base;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(files.resolve("page.html"), "<p>hello from a file</p>");
        Files.createDirectories(files.resolve("sub"));
        Files.writeString(files.resolve("sub/data.json"), "{\"a\":1}");
        Path outside = Files.createTempFile("outside", ".txt");
        Files.writeString(outside, "secret");
        Files.createSymbolicLink(files.resolve("escape.txt"), outside);
        AtomicReference<HttpServer> running = new AtomicReference<>();
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, ServerConfig.DEFAULT,
                DemoApp.routes(running::get, new StaticFiles(files)));
        running.set(server);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyEndpointAnswersTheJdkClient() throws Exception {
        HttpResponse<String> index = get("/");
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("content-type").orElseThrow());
        for (String link : new String[] {"/hello", "/json", "/echo", "/sleep?ms=", "/stream?n=", "/fetch?url=", "/cpu?n=",
                "/stats", "/static/"}) {
            assertTrue(index.body().contains("href=\"" + link), "the index links " + link);
        }
        assertEquals("Hello, World!", get("/hello").body());
        assertEquals("{\"message\":\"Hello, World!\"}", get("/json").body());
        HttpResponse<String> echo = client.send(HttpRequest.newBuilder(URI.create(base + "/echo?x=1"))
                .header("X-Test", "a \"quoted\" value").POST(HttpRequest.BodyPublishers.ofString("body\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(echo.body().startsWith("{\"method\":\"POST\",\"target\":\"/echo?x=1\",\"version\":\"HTTP/1.1\",\"headers\":["),
                echo.body());
        assertTrue(echo.body().contains("[\"X-Test\",\"a \\\"quoted\\\" value\"]"), echo.body());
        assertTrue(echo.body().endsWith(",\"body\":\"body\\n\"}\n"), echo.body());
        assertEquals("slept 20 ms on a loop timer\n", get("/sleep?ms=20").body());
        assertEquals("chunk 1 of 3\nchunk 2 of 3\nchunk 3 of 3\n", get("/stream?n=3&ms=5").body());
        assertEquals("{\"message\":\"Hello, World!\"}", get("/fetch?url=" + base + "/json").body());
        assertTrue(get("/cpu?n=1000").body().contains("on the loop thread"));
        assertTrue(get("/cpu?n=1000&offload=true").body().contains("on the offload pool"));
        assertTrue(get("/stats").body().startsWith("{\"openConnections\":"));
    }

    @Test
    void badParametersAndBadUrlsGetAReasonNotAStackTrace() throws Exception {
        HttpResponse<String> bad = get("/sleep?ms=soon");
        assertEquals(400, bad.statusCode());
        assertEquals("400 Bad Request: ms must be a whole number, not 'soon'\n", bad.body());
        assertEquals(400, get("/stream?n=0").statusCode());
        assertEquals(400, get("/fetch?url=ftp://example.com/").statusCode());
        HttpResponse<String> refused = get("/fetch?url=http://127.0.0.1:1/");
        assertEquals(502, refused.statusCode());
        assertTrue(refused.body().contains("refused"), refused.body());
    }

    @Test
    void staticFilesHaveTypesEtagsAnd304AndNoWayOut() throws Exception {
        HttpResponse<String> page = get("/static/page.html");
        assertEquals("<p>hello from a file</p>", page.body());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
        String etag = page.headers().firstValue("etag").orElseThrow();
        HttpResponse<String> again = client.send(HttpRequest.newBuilder(URI.create(base + "/static/page.html"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(304, again.statusCode());
        assertEquals("application/json", get("/static/sub/data.json").headers().firstValue("content-type").orElseThrow());
        byte[] large = new byte[5_000_000];
        new java.util.Random(1).nextBytes(large);
        Files.write(files.resolve("large.bin"), large);
        HttpResponse<byte[]> sent = client.send(HttpRequest.newBuilder(URI.create(base + "/static/large.bin")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        org.junit.jupiter.api.Assertions.assertArrayEquals(large, sent.body(), "a large file, sent with transferTo");
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create(base + "/static/large.bin"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("5000000", head.headers().firstValue("content-length").orElseThrow());
        assertEquals("", head.body());
        for (String attempt : new String[] {"/static/../pom.xml", "/static/%2e%2e/%2e%2e/etc/passwd",
                "/static/sub/%2E%2E/%2E%2E/x", "/static/escape.txt", "/static/missing.txt"}) {
            assertEquals(404, rawStatus(attempt), attempt);
        }
    }

    /** The status for a target sent exactly as given (the JDK client would normalise '..'). */
    private int rawStatus(String target) throws Exception {
        try (java.net.Socket socket = io.rawloop.server.Sockets.open(server.port())) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    @Test
    void curlGetsTheSameAnswersIncludingExpectContinueAndChunkedUploads() throws Exception {
        assertEquals("Hello, World!", curl(base + "/hello"));
        assertTrue(curl("-sI", base + "/hello").startsWith("HTTP/1.1 200 OK"), "HEAD through curl");
        String big = "x".repeat(300_000);
        Path upload = files.resolve("upload.txt");
        Files.writeString(upload, big);
        // Above 1 MiB curl adds Expect: 100-continue by itself; here it is asked for explicitly.
        String continued = curl("-H", "Expect: 100-continue", "--data-binary", "@" + upload, base + "/echo");
        assertTrue(continued.contains("\"body\":\"" + big + "\""), "the whole body went through after the 100");
        String chunked = curl("-H", "Transfer-Encoding: chunked", "--data-binary", "@" + upload, base + "/echo");
        assertTrue(chunked.contains("[\"Transfer-Encoding\",\"chunked\"]") && chunked.contains(big), "chunked upload");
        assertEquals("chunk 1 of 2\nchunk 2 of 2\n", curl(base + "/stream?n=2&ms=5"));
        String twoOnOneConnection = curl("-v", base + "/hello", base + "/json");
        assertTrue(twoOnOneConnection.contains("Re-using existing connection"), "curl reused its keep-alive connection");
    }

    private static String curl(String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "curl";
        command[1] = "-sS";
        System.arraycopy(args, 0, command, 2, args.length);
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), out);
        return out;
    }
}

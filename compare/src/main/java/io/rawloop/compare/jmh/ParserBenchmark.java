package io.rawloop.compare.jmh;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.rawloop.http.HttpEvent;
import io.rawloop.http.HttpException;
import io.rawloop.http.RequestHead;
import io.rawloop.http.RequestParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Parse one request: our {@link RequestParser} against Netty's {@code HttpRequestDecoder} on the
 * same bytes. Both are reused across requests, as one connection would reuse them. Goal (issue 4):
 * at least 3x Netty; and (with {@code -prof gc}) no allocation per header until one is asked
 * for, which {@link #rawloopAskingOneHeader} shows the cost of.
 */
@Fork(jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParserBenchmark {

    /** Made by JMH. */
    public ParserBenchmark() {
    }

    /** Firefox's request for a page, as sent. */
    static final String BROWSER = "GET /docs/index.html?lang=en HTTP/1.1\r\n"
            + "Host: www.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Referer: https://www.example.com/\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=5f2b7c1e9a0d4e3f8b6a; theme=dark; _ga=GA1.2.1234567890.1700000000\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "Sec-Fetch-Dest: document\r\n"
            + "Sec-Fetch-Mode: navigate\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Priority: u=0, i\r\n"
            + "\r\n";

    /** TechEmpower's plaintext request. */
    static final String PLAINTEXT = "GET /plaintext HTTP/1.1\r\n"
            + "Host: server\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20130501 Firefox/30.0 AppleWebKit/600.00"
            + " Chrome/30.0.0000.0 Trident/10.0 Safari/600.00\r\n"
            + "Cookie: uid=12345678901234567890; __utma=1.1234567.123456789.123456789.123456789.12; wd=2560x1600\r\n"
            + "Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n";

    /** Which request: a browser's long head, or the plaintext benchmark's short one. */
    @Param({"browser", "plaintext"})
    public String request;

    private byte[] bytes;
    private ByteBuffer buffer;
    private RequestParser parser;
    private EmbeddedChannel netty;

    /** The bytes, our parser, and Netty's decoder in an EmbeddedChannel. */
    @Setup
    public void setUp() {
        bytes = (request.equals("browser") ? BROWSER : PLAINTEXT).getBytes(StandardCharsets.US_ASCII);
        buffer = ByteBuffer.wrap(bytes);
        parser = new RequestParser();
        netty = new EmbeddedChannel(new HttpRequestDecoder());
    }

    /** Closes Netty's channel. */
    @TearDown
    public void tearDown() {
        netty.finishAndReleaseAll();
    }

    /** Our parser: head and completion, no header looked at. */
    @Benchmark
    public RequestHead rawloop() throws HttpException {
        buffer.clear();
        if (parser.parse(buffer) != HttpEvent.HEAD || parser.parse(buffer) != HttpEvent.COMPLETE) {
            throw new IllegalStateException("not one complete request");
        }
        return parser.head();
    }

    /** Our parser, then one header asked for as a String: what a handler reading Host pays. */
    @Benchmark
    public String rawloopAskingOneHeader() throws HttpException {
        return rawloop().headers().get("Host");
    }

    /** Netty's decoder on the same bytes: the request and its (empty) last content. */
    @Benchmark
    public Object netty() {
        netty.writeInbound(Unpooled.wrappedBuffer(bytes));
        HttpRequest head = netty.readInbound();
        Object last = netty.readInbound();
        if (head == null || !(last instanceof LastHttpContent)) {
            throw new IllegalStateException("Netty did not decode one request");
        }
        ReferenceCountUtil.release(last);
        return head;
    }
}

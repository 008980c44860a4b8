package io.rawloop.compare.backend;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import io.rawloop.compare.backend.Endpoints.Answer;
import io.rawloop.http.DateHeader;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Netty on one event loop thread, with its own HTTP codec ({@link HttpServerCodec}), NIO or
 * native epoll. The handler is written as a Netty user would write it: answers are written as
 * requests are read and flushed once per read batch ({@code channelReadComplete}); {@code /sleep}
 * is the event loop's scheduler. Header names and order are rawloop's, so the bytes are the same.
 */
final class NettyBackend implements Backend.Running {

    private final EventLoopGroup group;
    private final Channel channel;
    private final Thread loopThread;

    private NettyBackend(EventLoopGroup group, Channel channel, Thread loopThread) {
        this.group = group;
        this.channel = channel;
        this.loopThread = loopThread;
    }

    /** Plain, or over TLS with {@code tls}'s {@link io.netty.handler.ssl.SslHandler} first in each pipeline (null: plain). */
    static Backend.Running start(InetSocketAddress address, boolean epoll, SslContext tls) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap().group(group)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new HttpServerCodec(), new Answers());
                        }
                    })
                    .bind(address).syncUninterruptibly().channel();
            // The group's one thread, asked of the loop itself: it serves the listener and every child.
            Thread loopThread = channel.eventLoop().submit(Thread::currentThread).syncUninterruptibly().getNow();
            return new NettyBackend(group, channel, loopThread);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /**
     * Answers each request; a slow answer (/sleep) holds back the ones pipelined behind it, so
     * that responses leave in request order (RFC 9112 §9.3.2).
     */
    private static final class Answers extends SimpleChannelInboundHandler<HttpObject> {
        /** Responses in request order; null while a /sleep is still pending. */
        private final ArrayDeque<Slot> order = new ArrayDeque<>();

        private static final class Slot {
            FullHttpResponse response;
            boolean close;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest request)) {
                return;   // GETs only: the empty LastHttpContent that follows each one
            }
            if (NettyWebSocketEcho.upgrade(ctx, request)) {
                return;   // the connection is a WebSocket's from now on
            }
            Answer a = Endpoints.route(request.uri());
            Slot slot = new Slot();
            slot.close = !HttpUtil.isKeepAlive(request);
            order.add(slot);
            if (a.sleepMs() == 0) {
                slot.response = response(a);
                drain(ctx, false);
            } else {
                ctx.executor().schedule(() -> {
                    slot.response = response(a);
                    drain(ctx, true);
                }, a.sleepMs(), TimeUnit.MILLISECONDS);
            }
        }

        private void drain(ChannelHandlerContext ctx, boolean flush) {
            while (!order.isEmpty() && order.peek().response != null) {
                Slot s = order.poll();
                if (s.close) {
                    ctx.writeAndFlush(s.response).addListener(ChannelFutureListener.CLOSE);
                    order.clear();
                    return;
                }
                ctx.write(s.response);
            }
            if (flush) {
                ctx.flush();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();   // one flush per read batch, as rawloop does
            dateRead = false;   // and the clock is read once per read batch, as rawloop does
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        /** The Date value made from {@link DateHeader#now()}'s bytes, kept while they are the same second's. */
        private byte[] dateLine;
        private AsciiString date;
        /** Whether this read batch has read the clock. */
        private boolean dateRead;

        private FullHttpResponse response(Answer a) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
                    Unpooled.wrappedBuffer(a.body()));
            byte[] now = dateRead ? dateLine : DateHeader.now();   // "Date: ...\r\n", the same array all second
            dateRead = true;
            if (now != dateLine) {
                dateLine = now;
                date = new AsciiString(now, 6, now.length - 8, true);
            }
            // The same care as rawloop's constant fields: names and values Netty need not encode again.
            r.headers().add(DATE, date)
                    .add(SERVER, RAWLOOP)
                    .add(CONTENT_TYPE, contentType(a))
                    .add(CONTENT_LENGTH, a.body().length);
            return r;
        }

        // Netty's own HttpHeaderNames are lower case; every back-end sends rawloop's server's bytes.
        private static final AsciiString DATE = AsciiString.cached("Date");
        private static final AsciiString SERVER = AsciiString.cached("Server");
        private static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
        private static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
        private static final AsciiString RAWLOOP = AsciiString.cached("rawloop");
        private static final AsciiString TEXT = AsciiString.cached(Endpoints.TEXT);
        private static final AsciiString JSON = AsciiString.cached(Endpoints.JSON);

        private static AsciiString contentType(Answer a) {
            String type = a.contentType();
            return type.equals(Endpoints.TEXT) ? TEXT : type.equals(Endpoints.JSON) ? JSON : AsciiString.of(type);
        }
    }

    @Override
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public Optional<Thread> loopThread() {
        return Optional.of(loopThread);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

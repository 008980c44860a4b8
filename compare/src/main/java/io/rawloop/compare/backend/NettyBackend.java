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
import io.rawloop.compare.backend.Endpoints.Answer;
import io.rawloop.http.DateHeader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private static FullHttpResponse response(Answer a) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
                    Unpooled.wrappedBuffer(a.body()));
            byte[] date = DateHeader.now();   // "Date: ...\r\n", cached per second
            r.headers().add("Date", new String(date, 6, date.length - 8, StandardCharsets.US_ASCII))
                    .add("Server", "rawloop")
                    .add("Content-Type", a.contentType())
                    .add("Content-Length", a.body().length);
            return r;
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

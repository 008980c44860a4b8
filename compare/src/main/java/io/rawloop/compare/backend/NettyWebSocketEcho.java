package io.rawloop.compare.backend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * {@link WebSocketEcho}'s work on Netty, written as a Netty user would: its
 * {@link WebSocketServerProtocolHandler} (handshake, close, ping) after {@code HttpServerCodec}
 * and an {@link HttpObjectAggregator}, a {@link WebSocketFrameAggregator} for whole messages, and
 * an echo handler that writes each message back and flushes once per read batch.
 *
 * <p>The HTTP pipeline is left as it is for every other request: the WebSocket handlers are put
 * in only when a request for {@link WebSocketEcho#PATH} arrives, so the HTTP figures do not pay
 * for an aggregator. No {@code WebSocketServerCompressionHandler}: Netty then answers no
 * Sec-WebSocket-Extensions, which declines permessage-deflate, as rawloop's server does.
 */
final class NettyWebSocketEcho {

    private NettyWebSocketEcho() {
    }

    /** True if {@code request} asks for the echo; its handlers are then in the pipeline, after {@code ctx}'s. */
    static boolean upgrade(ChannelHandlerContext ctx, HttpRequest request) {
        if (!request.uri().equals(WebSocketEcho.PATH)) {
            return false;
        }
        ChannelPipeline p = ctx.pipeline();
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WebSocketEcho.PATH)
                .maxFramePayloadLength(WebSocketEcho.MAX_MESSAGE)
                .allowExtensions(false)   // reserved bits stay errors, as in rawloop's FrameParser
                .build();
        String here = ctx.name();
        p.addAfter(here, "ws-echo", new Echo());
        p.addAfter(here, "ws-messages", new WebSocketFrameAggregator(WebSocketEcho.MAX_MESSAGE));
        p.addAfter(here, "ws-protocol", new WebSocketServerProtocolHandler(config));
        p.addAfter(here, "http-aggregator", new HttpObjectAggregator(64 * 1024));
        // The request goes on to the aggregator; the empty LastHttpContent behind it comes straight
        // there once this handler (the HTTP answers) is gone.
        ctx.fireChannelRead(request);
        p.remove(ctx.handler());
        return true;
    }

    /** Each whole message back as it came (a Text or BinaryWebSocketFrame, its buffer handed on). */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();   // one flush per read batch, as rawloop does
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

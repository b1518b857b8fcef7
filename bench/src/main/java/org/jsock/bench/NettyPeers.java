package org.jsock.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The Netty 4.2 peers: the epoll native transport and the NIO transport, each with one event loop
 * thread that accepts and serves (as the C epoll server and jsock's LOOP do), and a TLS discard
 * server with the JDK's SSLEngine (SslProvider.JDK). Netty's defaults otherwise: pooled direct
 * buffers, TCP_NODELAY on accepted channels.
 */
final class NettyPeers {
    private NettyPeers() {}

    /** The textbook echo: write what arrives, flush once per read burst. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ctx.write(msg); }

        @Override public void channelReadComplete(ChannelHandlerContext ctx) { ctx.flush(); }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    @ChannelHandler.Sharable
    static final class Discard extends ChannelInboundHandlerAdapter {
        static final Discard INSTANCE = new Discard();

        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) { ReferenceCountUtil.release(msg); }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    private static IoHandlerFactory factory(boolean epoll) {
        if (epoll) {
            Epoll.ensureAvailability();
            return EpollIoHandler.newFactory();
        }
        return NioIoHandler.newFactory();
    }

    private static Channel bind(EventLoopGroup group, boolean epoll, ChannelHandler child) throws InterruptedException {
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        return new ServerBootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(child)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    private static int port(Channel ch) {
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    static Peer.Running tcp(boolean epoll) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory(epoll));
        Channel echo = bind(group, epoll, Echo.INSTANCE);
        Channel discard = bind(group, epoll, Discard.INSTANCE);
        String ports = "echo=" + port(echo) + " discard=" + port(discard);
        return new Peer.Running() {
            @Override public String ports() { return ports; }
            @Override public void close() { group.shutdownGracefully(); }
        };
    }

    static Peer.Running tls(Path cert, Path key) throws Exception {
        SslContext ssl = SslContextBuilder.forServer(cert.toFile(), key.toFile()).sslProvider(SslProvider.JDK).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory(true));
        Channel ch = bind(group, true, new ChannelInitializer<SocketChannel>() {
            @Override protected void initChannel(SocketChannel c) {
                c.pipeline().addLast(ssl.newHandler(c.alloc()), Discard.INSTANCE);
            }
        });
        String ports = "tls=" + port(ch);
        return new Peer.Running() {
            @Override public String ports() { return ports; }
            @Override public void close() { group.shutdownGracefully(); }
        };
    }
}

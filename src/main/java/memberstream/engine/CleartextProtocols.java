package memberstream.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Decides from a connection's first bytes which HTTP it speaks, and builds its pipeline:
 * <ul>
 * <li>the HTTP/2 connection preface ({@code PRI * HTTP/2.0...}): HTTP/2 with prior knowledge, what the
 *     SDKs' HTTP/2 clients send to an {@code http://} endpoint;</li>
 * <li>anything else: HTTP/1.1, where a request with {@code Upgrade: h2c} (and a body of at most
 *     {@link #MAX_UPGRADE_BODY_BYTES}) switches the connection to HTTP/2 and is answered on stream 1.</li>
 * </ul>
 * Each HTTP/2 stream gets a child channel with the same request handlers an HTTP/1.1 connection has
 * (body limit, front door, dispatcher), behind its own {@link ConnectionGuard}, which here also holds a
 * body against the server-wide budget until it is answered. The connection itself allows
 * {@link #MAX_CONCURRENT_STREAMS} streams at once (more are refused with RST_STREAM REFUSED_STREAM),
 * header lists of {@link #MAX_HEADER_LIST_BYTES} (larger ones get a 431), frames of 16 KiB, and Netty's
 * bounds on RST_STREAM floods (rapid reset), queued control frames and empty DATA frames; it closes with
 * GOAWAY once it has had no open stream for the idle timeout.
 * One instance per connection, confined to its I/O thread; it removes itself once it has decided.
 */
final class CleartextProtocols extends ByteToMessageDecoder {

    static final int MAX_CONCURRENT_STREAMS = 100;
    static final int MAX_HEADER_LIST_BYTES = 64 * 1024;
    static final int MAX_UPGRADE_BODY_BYTES = 64 * 1024;
    /** Per stream; larger than HTTP/2's 64 KiB default so a 10 MiB PutRecords needs few WINDOW_UPDATEs. */
    static final int INITIAL_WINDOW_BYTES = 1024 * 1024;
    /** RST_STREAM frames a client may send per window before the connection is closed (rapid reset). */
    static final int MAX_RESETS_PER_WINDOW = 200;
    static final int RESET_WINDOW_SECONDS = 30;

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final ConnectionLimits limits;
    private final AtomicLong bufferedBodyBytes;
    private final Consumer<ChannelPipeline> requestHandlers;
    private final AtomicLong http2Connections;
    private ScheduledFuture<?> undecided;

    /**
     * @param requestHandlers adds, at the end of an HTTP/1.1 connection's or HTTP/2 stream's pipeline, the
     *                        handlers that turn decoded HTTP messages into answers
     * @param http2Connections counts the connections that turned out to speak HTTP/2
     */
    CleartextProtocols(ConnectionLimits limits, AtomicLong bufferedBodyBytes, Consumer<ChannelPipeline> requestHandlers,
                       AtomicLong http2Connections) {
        this.http2Connections = http2Connections;
        this.limits = limits;
        this.bufferedBodyBytes = bufferedBodyBytes;
        this.requestHandlers = requestHandlers;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // A connection that never says enough to tell its protocol is closed like an idle one.
        undecided = ctx.executor().schedule(() -> {
            ctx.channel().close();
        }, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (undecided != null) {
            undecided.cancel(false);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int compared = Math.min(in.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), compared)) {
            http1(ctx.pipeline(), ctx.name());
            ctx.pipeline().remove(this);
        } else if (compared == PREFACE.readableBytes()) {
            http2(ctx.pipeline(), ctx.name());
            ctx.pipeline().remove(this);
        }
        // Otherwise a prefix of the preface so far: wait for more bytes. The bytes stay for the next handler.
    }

    private void http1(ChannelPipeline pipeline, String after) {
        ConnectionGuard guard = new ConnectionGuard(limits, bufferedBodyBytes);
        pipeline.addAfter(after, "raw-reads", guard.new RawReads());
        pipeline.addAfter("raw-reads", "http1-codec", new HttpServerCodec(8192, 64 * 1024, 64 * 1024));
        pipeline.addAfter("http1-codec", "guard", guard);
        pipeline.addAfter("guard", "h2c-upgrade", new H2cUpgrade());
        requestHandlers.accept(pipeline);
    }

    private void http2(ChannelPipeline pipeline, String after) {
        http2Connections.incrementAndGet();
        Http2FrameCodec codec = frameCodec();
        pipeline.addAfter(after, "h2-watch", new ConnectionWatch(codec));
        pipeline.addAfter("h2-watch", "h2-codec", codec);
        pipeline.addAfter("h2-codec", "h2-multiplex", multiplexer());
    }

    private static Http2FrameCodec frameCodec() {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(MAX_HEADER_LIST_BYTES)
                .initialWindowSize(INITIAL_WINDOW_BYTES);
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(MAX_RESETS_PER_WINDOW, RESET_WINDOW_SECONDS)
                .build();
        // Netty applies our SETTINGS only once the client acknowledges them; one that never does must
        // not get unlimited streams meanwhile.
        codec.connection().remote().maxActiveStreams(MAX_CONCURRENT_STREAMS);
        return codec;
    }

    private Http2MultiplexHandler multiplexer() {
        ChannelInitializer<Http2StreamChannel> streams = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                ChannelPipeline pipeline = stream.pipeline();
                pipeline.addLast("h2-stream-codec", new Http2StreamFrameToHttpObjectCodec(true));
                pipeline.addLast("guard", new ConnectionGuard(limits, bufferedBodyBytes, true));
                requestHandlers.accept(pipeline);
            }
        };
        // The same for streams the client opens and for stream 1 of an upgraded connection.
        return new Http2MultiplexHandler(streams, streams);
    }

    /**
     * The {@code Upgrade: h2c} path on an HTTP/1.1 connection. Requests with larger bodies than it
     * aggregates are served over HTTP/1.1 instead (the upgrade is optional for the client).
     */
    private final class H2cUpgrade extends HttpServerUpgradeHandler {

        H2cUpgrade() {
            this(new Http2FrameCodec[1]);
        }

        private H2cUpgrade(Http2FrameCodec[] chosen) {
            super(upgradeFrom -> {
                ChannelPipeline pipeline = upgradeFrom.pipeline();
                for (String name : new String[] {"raw-reads", "http1-codec", "guard"}) {
                    pipeline.remove(name);
                }
                for (String name : pipeline.names()) {
                    if (EngineServer.REQUEST_HANDLER_NAMES.contains(name)) {
                        pipeline.remove(name);
                    }
                }
                pipeline.addBefore(upgradeFrom.name(), "h2-watch", new ConnectionWatch(chosen[0]));
                http2Connections.incrementAndGet();
            }, protocol -> {
                if (!AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)) {
                    return null;
                }
                chosen[0] = frameCodec();
                return new Http2ServerUpgradeCodec(chosen[0], multiplexer());
            }, MAX_UPGRADE_BODY_BYTES);
        }

        @Override
        protected boolean shouldHandleUpgradeRequest(HttpRequest request) {
            return super.shouldHandleUpgradeRequest(request)
                    && !HttpUtil.isTransferEncodingChunked(request)
                    && HttpUtil.getContentLength(request, 0L) <= MAX_UPGRADE_BODY_BYTES
                    && !HttpUtil.is100ContinueExpected(request);
        }
    }

    /**
     * Sits before the HTTP/2 codec: closes the connection (GOAWAY first) once it has had no open stream
     * and no traffic for the idle timeout. Streams are held to the read timeout by their own guards.
     */
    private final class ConnectionWatch extends ChannelDuplexHandler {

        private final Http2FrameCodec codec;
        private long lastActivityNanos = System.nanoTime();
        private ScheduledFuture<?> check;

        ConnectionWatch(Http2FrameCodec codec) {
            this.codec = codec;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            long periodMillis = Math.max(50, limits.idleTimeout().toMillis() / 4);
            check = ctx.executor().scheduleAtFixedRate(() -> {
                boolean idle = System.nanoTime() - lastActivityNanos > limits.idleTimeout().toNanos();
                if (idle && codec.connection().numActiveStreams() == 0) {
                    ctx.channel().close();
                }
            }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            check.cancel(false);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            lastActivityNanos = System.nanoTime();
            ctx.fireChannelRead(message);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            lastActivityNanos = System.nanoTime();
            ctx.write(message, promise);
        }
    }
}

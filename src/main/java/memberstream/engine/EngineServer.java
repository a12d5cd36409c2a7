package memberstream.engine;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import memberstream.engine.protocol.CallerProtocolErrors;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import memberstream.engine.protocol.EngineRoute;
import memberstream.engine.protocol.FrontDoor;
import memberstream.engine.protocol.FrontDoorHandler;
import memberstream.engine.protocol.ProtocolError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's single HTTP port: HTTP/1.1 (keep-alive) and cleartext HTTP/2, by prior knowledge or
 * {@code Upgrade: h2c} ({@link CleartextProtocols}; each HTTP/2 stream is served like one HTTP/1.1
 * request). Each request is read whole (up to
 * {@link #MAX_REQUEST_BYTES}; larger ones get a 413 in AWS's error shape as soon as their headers say
 * so, and the connection closes once the rest of their body has been read and dropped)
 * and, once the {@link FrontDoor} has checked its Host, Origin and SigV4 signature, handed to the first
 * {@link EngineRoute} that accepts it. Routes run on a pool of worker threads,
 * never on the I/O threads, because they may wait for the disk. All engine threads are named
 * {@code engine-*} (the benchmark sums their CPU time).
 * Connections are held to {@link ConnectionLimits} (idle and read timeouts, open connections, bytes of
 * bodies still arriving; see {@link ConnectionGuard}). Errors the front door answers itself are in the
 * caller's protocol ({@link CallerProtocolErrors}).
 * Lifecycle: construct, {@link #start()}, {@link #close()}; {@link #port()} is the bound port. Closing ends the
 * streamed answers normally ({@link StreamedAnswers}), then closes the connections and waits for their
 * teardown ({@link LivePipelines}) before it stops the threads.
 */
public final class EngineServer implements AutoCloseable {

    /** Slightly above the largest legal request: 10 MiB of PutRecords data in base64 JSON, plus keys. */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(EngineServer.class);

    private final List<EngineRoute> routes;
    private final String bindAddress;
    private final int requestedPort;
    private final int workerThreads;
    private final FrontDoor frontDoor;
    private final ConnectionLimits limits;
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong bufferedBodyBytes = new AtomicLong();
    private final AtomicLong http2Connections = new AtomicLong();
    private EventLoopGroup acceptors;
    private EventLoopGroup io;
    private EventExecutorGroup workers;
    private Channel serverChannel;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final StreamedAnswers streamedAnswers = new StreamedAnswers();
    private final LivePipelines livePipelines = new LivePipelines();
    private volatile int port = -1;

    public EngineServer(List<EngineRoute> routes, String bindAddress, int port) {
        this(routes, bindAddress, port, 16);
    }

    public EngineServer(List<EngineRoute> routes, String bindAddress, int port, int workerThreads) {
        this(routes, bindAddress, port, workerThreads, FrontDoor.standard(bindAddress, java.time.Clock.systemUTC()),
                ConnectionLimits.defaults());
    }

    /** @param frontDoor the signature, Host and Origin checks every request passes before a route sees it */
    public EngineServer(List<EngineRoute> routes, String bindAddress, int port, int workerThreads, FrontDoor frontDoor) {
        this(routes, bindAddress, port, workerThreads, frontDoor, ConnectionLimits.defaults());
    }

    public EngineServer(List<EngineRoute> routes, String bindAddress, int port, int workerThreads, ConnectionLimits limits) {
        this(routes, bindAddress, port, workerThreads, FrontDoor.standard(bindAddress, java.time.Clock.systemUTC()), limits);
    }

    /**
     * @param frontDoor the signature, Host and Origin checks every request passes before a route sees it
     * @param limits    timeouts and caps on connections and on bodies still arriving
     */
    public EngineServer(List<EngineRoute> routes, String bindAddress, int port, int workerThreads, FrontDoor frontDoor,
                        ConnectionLimits limits) {
        this.frontDoor = frontDoor;
        this.limits = limits;
        this.routes = List.copyOf(routes);
        this.bindAddress = bindAddress;
        this.requestedPort = port;
        this.workerThreads = workerThreads;
    }

    /** Binds and starts serving; throws {@link IllegalStateException} with a clear message if the port is taken. */
    public synchronized EngineServer start() {
        acceptors = new NioEventLoopGroup(1, new DefaultThreadFactory("engine-accept", true));
        io = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("engine-io", false));
        workers = new DefaultEventExecutorGroup(workerThreads, new DefaultThreadFactory("engine-worker", true));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Big bodies (PutRecords of 500 records) in few reads.
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (openConnections.incrementAndGet() > limits.maxOpen()) {
                            openConnections.decrementAndGet();
                            channel.close();
                            return;
                        }
                        channel.closeFuture().addListener(closed -> openConnections.decrementAndGet());
                        connections.add(channel);
                        channel.pipeline().addLast("protocols",
                                new CleartextProtocols(limits, bufferedBodyBytes, EngineServer.this::addRequestHandlers,
                                        http2Connections));
                    }
                });
        try {
            serverChannel = bootstrap.bind(new InetSocketAddress(bindAddress, requestedPort)).sync().channel();
        } catch (Exception e) {
            closeGroups();
            if (e instanceof BindException) {
                throw new IllegalStateException("The engine cannot listen on " + bindAddress + ":" + requestedPort
                        + " (" + e.getMessage() + "). Stop what uses that port or set memberstream.engine.port.", e);
            }
            throw new IllegalStateException("The engine cannot start on " + bindAddress + ":" + requestedPort, e);
        }
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        log.info("Engine listening on http://{}:{} ({} routes)", bindAddress, port, routes.size());
        return this;
    }

    /** The names of the handlers {@link #addRequestHandlers} adds. */
    static final java.util.Set<String> REQUEST_HANDLER_NAMES = java.util.Set.of("aggregator", "drain", "front-door", "dispatcher");

    /**
     * Adds what turns decoded HTTP/1.x messages into answers, at the end of an HTTP/1.1 connection's
     * pipeline or an HTTP/2 stream's (whose codec presents the stream as HTTP/1.x messages).
     */
    private void addRequestHandlers(ChannelPipeline pipeline) {
        pipeline.addFirst(LivePipelines.NAME, livePipelines);
        DrainAfterRefusal drain = new DrainAfterRefusal();
        pipeline.addLast("aggregator", new AwsShapedAggregator(MAX_REQUEST_BYTES, drain));
        pipeline.addLast("drain", drain);
        pipeline.addLast(workers, "front-door", new FrontDoorHandler(frontDoor));
        pipeline.addLast(workers, "dispatcher", new Dispatcher());
    }

    /** Connections accepted so far that speak HTTP/2 (by prior knowledge or after an upgrade). */
    public long http2Connections() {
        return http2Connections.get();
    }

    /** Connections open now, as counted against {@code memberstream.engine.connections.max-open}. */
    public int openConnections() {
        return openConnections.get();
    }

    /** The bound port (useful with port 0); -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
            serverChannel = null;
        }
        streamedAnswers.endAll(1_000);
        connections.close().awaitUninterruptibly();
        if (!livePipelines.awaitNone(2_000)) {
            log.debug("Stopping the engine's threads with connections still being torn down");
        }
        closeGroups();
    }

    private void closeGroups() {
        for (EventExecutorGroup group : new EventExecutorGroup[] {acceptors, io, workers}) {
            if (group != null) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            }
        }
    }

    private EngineResponse dispatch(EngineRequest request) {
        for (EngineRoute route : routes) {
            if (route.accepts(request)) {
                try {
                    return route.handle(request);
                } catch (RuntimeException | StackOverflowError e) {
                    log.error("Route {} failed on {} {}", route.getClass().getSimpleName(), request.method(), request.path(), e);
                    return CallerProtocolErrors.error(request.method(), request.headers(), CallerProtocolErrors.Kind.INTERNAL,
                            "Internal service failure.");
                }
            }
        }
        String target = request.target();
        if (target != null) {
            return CallerProtocolErrors.error(request.method(), request.headers(), CallerProtocolErrors.Kind.UNKNOWN_OPERATION,
                    "No service of this engine handles " + target);
        }
        return CallerProtocolErrors.error(request.method(), request.headers(), CallerProtocolErrors.Kind.UNKNOWN_OPERATION,
                "No service of this engine handles " + request.method() + " " + request.path());
    }

    /**
     * Hands each request to its route and writes the answer. While a streamed answer is being written on
     * an HTTP/1.1 connection, further (pipelined) requests wait, at most {@link #MAX_WAITING_REQUESTS} of
     * them, so answers keep their order. Confined to the connection's worker executor.
     */
    private final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {

        static final int MAX_WAITING_REQUESTS = 16;

        private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
        private boolean streaming;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (streaming) {
                if (waiting.size() >= MAX_WAITING_REQUESTS) {
                    ctx.close();
                    return;
                }
                waiting.addLast(request.retain());
                return;
            }
            answer(ctx, request);
        }

        private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            EngineResponse response;
            if (!request.decoderResult().isSuccess()) {
                response = CallerProtocolErrors.error(request.method().name(), lowerCaseHeaders(request),
                        CallerProtocolErrors.Kind.MALFORMED, "Malformed HTTP request.");
                keepAlive = false;
            } else {
                response = dispatch(toEngineRequest(request));
            }
            if (response.streamed()) {
                streaming = true;
                StreamedAnswer.start(ctx, response, keepAlive, () -> ctx.executor().execute(() -> streamEnded(ctx)),
                        streamedAnswers);
            } else {
                write(ctx, response, keepAlive);
            }
        }

        private void streamEnded(ChannelHandlerContext ctx) {
            streaming = false;
            while (!streaming && !waiting.isEmpty() && ctx.channel().isActive()) {
                FullHttpRequest next = waiting.pollFirst();
                try {
                    answer(ctx, next);
                } finally {
                    next.release();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            waiting.forEach(FullHttpRequest::release);
            waiting.clear();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Engine connection closed after an error", cause);
            ctx.close();
        }
    }

    private static Map<String, String> lowerCaseHeaders(HttpMessage request) {
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            if (header.getKey().regionMatches(true, 0, "x-http2-", 0, 8)) {
                continue; // stream id, scheme and path Netty adds when it presents an HTTP/2 stream as HTTP/1.x
            }
            headers.merge(header.getKey().toLowerCase(Locale.ROOT), header.getValue(), (a, b) -> a + "," + b);
        }
        return headers;
    }

    private static EngineRequest toEngineRequest(FullHttpRequest request) {
        Map<String, String> headers = lowerCaseHeaders(request);
        String uri = request.uri();
        int question = uri.indexOf('?');
        String path = question < 0 ? uri : uri.substring(0, question);
        String query = question < 0 ? null : uri.substring(question + 1);
        byte[] body = ByteBufUtil.getBytes(request.content());
        return new EngineRequest(request.method().name(), path, query, headers, body);
    }

    static FullHttpResponse toHttp(EngineResponse response) {
        ByteBuf content = Unpooled.wrappedBuffer(response.body());
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), content);
        response.headers().forEach((name, value) -> http.headers().set(name, value));
        if (!http.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            // A route may state the length itself: S3's HEAD answers give the size of the body they leave out.
            http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        }
        return http;
    }

    private static void write(ChannelHandlerContext ctx, EngineResponse response, boolean keepAlive) {
        FullHttpResponse http = toHttp(response);
        if (keepAlive) {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(http);
        } else {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Answers a too-large request with a 413 in AWS's JSON error shape as soon as its headers say so,
     * then lets {@link DrainAfterRefusal} close the connection once the body has arrived.
     */
    private static final class AwsShapedAggregator extends HttpObjectAggregator {

        private final DrainAfterRefusal drain;

        AwsShapedAggregator(int maxContentLength, DrainAfterRefusal drain) {
            super(maxContentLength, true);
            this.drain = drain;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            String method = oversized instanceof io.netty.handler.codec.http.HttpRequest request ? request.method().name() : "POST";
            EngineResponse response = CallerProtocolErrors.error(method, lowerCaseHeaders(oversized),
                    CallerProtocolErrors.Kind.TOO_LARGE, "Request body exceeds the limit of " + MAX_REQUEST_BYTES + " bytes.");
            FullHttpResponse http = toHttp(response);
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(http);
            drain.start(ctx.channel());
        }
    }

    /**
     * After a refused request, reads and drops the rest of its body, then closes the connection.
     * Closing while the client is still sending leaves unread bytes, so the kernel resets the
     * connection and the client may lose the 413 it has not read yet ("received no bytes"). Gives up
     * after {@link #DRAIN_LIMIT}. Confined to the channel's I/O thread.
     */
    private static final class DrainAfterRefusal extends ChannelInboundHandlerAdapter {

        static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

        private boolean draining;

        void start(Channel channel) {
            draining = true;
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, DRAIN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!draining) {
                ctx.fireChannelRead(message);
                return;
            }
            boolean last = message instanceof LastHttpContent;
            ReferenceCountUtil.release(message);
            if (last) {
                ctx.close();
            }
        }
    }
}

package memberstream.engine;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import memberstream.engine.protocol.CallerProtocolErrors;
import memberstream.engine.protocol.EngineResponse;

/**
 * Enforces {@link ConnectionLimits} on one connection, between the HTTP codec and the aggregator:
 * closes it when idle between requests, answers 408 and closes it when a request stops arriving, and
 * counts the body bytes of its incomplete request against the server-wide budget (answering 503 and
 * closing when the budget is spent). Answers are in the caller's protocol. Confined to the channel's
 * I/O thread, apart from the shared {@code buffered} counter.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    private final ConnectionLimits limits;
    private final AtomicLong buffered;
    private final boolean holdUntilAnswered;
    private HttpRequest current;
    /** Bytes arrived that the codec has not yet turned into a whole request (blank lines, a partial head). */
    private boolean partialBytes;
    private long held;
    private int awaitingAnswers;
    private long lastReadNanos = System.nanoTime();
    private long lastActivityNanos = System.nanoTime();
    private boolean refused;
    private ScheduledFuture<?> check;

    ConnectionGuard(ConnectionLimits limits, AtomicLong buffered) {
        this(limits, buffered, false);
    }

    /**
     * @param holdUntilAnswered count a request's body against the budget until its answer is written, not
     *                          only while it arrives: for HTTP/2, where one connection has many requests in
     *                          flight at once, so that bodies waiting for a worker stay bounded too
     */
    ConnectionGuard(ConnectionLimits limits, AtomicLong buffered, boolean holdUntilAnswered) {
        this.limits = limits;
        this.buffered = buffered;
        this.holdUntilAnswered = holdUntilAnswered;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            startChecks(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startChecks(ctx);
        super.channelActive(ctx);
    }

    private void startChecks(ChannelHandlerContext ctx) {
        if (check != null) {
            return;
        }
        long periodMillis = Math.max(50, Math.min(limits.idleTimeout().toMillis(), limits.readTimeout().toMillis()) / 4);
        check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (refused) {
            ReferenceCountUtil.release(message);
            return;
        }
        lastReadNanos = System.nanoTime();
        lastActivityNanos = lastReadNanos;
        if (message instanceof HttpRequest request) {
            current = request;
        }
        if (message instanceof HttpContent content) {
            int bytes = content.content().readableBytes();
            held += bytes;
            if (buffered.addAndGet(bytes) > limits.maxBufferedBodies().toBytes()) {
                ReferenceCountUtil.release(message);
                refuse(ctx, CallerProtocolErrors.Kind.BUSY, "The engine holds too many request bodies that are still "
                        + "arriving; retry later.");
                return;
            }
            if (content instanceof LastHttpContent) {
                if (!holdUntilAnswered) {
                    buffered.addAndGet(-held);
                    held = 0;
                }
                current = null;
                partialBytes = false;
                awaitingAnswers++;
            }
        }
        ctx.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) throws Exception {
        if (message instanceof HttpResponse || message instanceof HttpContent) {
            // A streamed answer keeps the connection busy until its last chunk.
            lastActivityNanos = System.nanoTime();
        }
        if (message instanceof LastHttpContent && !isInterim(message)) {
            awaitingAnswers = Math.max(0, awaitingAnswers - 1);
            if (holdUntilAnswered && current == null) {
                buffered.addAndGet(-held);
                held = 0;
            }
        }
        super.write(ctx, message, promise);
    }

    /** A 100 Continue: the request's answer is still to come. */
    private static boolean isInterim(Object message) {
        return message instanceof HttpResponse response
                && response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void release() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        buffered.addAndGet(-held);
        held = 0;
    }

    private void check(ChannelHandlerContext ctx) {
        if (refused || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if ((current != null || partialBytes) && now - lastReadNanos > limits.readTimeout().toNanos()) {
            refuse(ctx, CallerProtocolErrors.Kind.TIMEOUT, "The request did not arrive in full within "
                    + limits.readTimeout().toSeconds() + " s of its last bytes.");
        } else if (current == null && awaitingAnswers == 0 && now - lastActivityNanos > limits.idleTimeout().toNanos()) {
            ctx.close();
        }
    }

    /** Sits before the HTTP codec and tells the guard that bytes arrived, whether or not they make a request yet. */
    final class RawReads extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof io.netty.buffer.ByteBuf bytes && bytes.isReadable() && !refused) {
                partialBytes = true;
                lastReadNanos = System.nanoTime();
                lastActivityNanos = lastReadNanos;
            }
            ctx.fireChannelRead(message);
        }
    }

    /** Answers the request in progress (or the next one) in its protocol, then closes the connection. */
    private void refuse(ChannelHandlerContext ctx, CallerProtocolErrors.Kind kind, String message) {
        refused = true;
        Map<String, String> headers = new HashMap<>();
        String method = "GET";
        if (current != null) {
            for (Map.Entry<String, String> header : current.headers()) {
                headers.put(header.getKey().toLowerCase(java.util.Locale.ROOT), header.getValue());
            }
            method = current.method().name();
        }
        EngineResponse response = CallerProtocolErrors.error(method, headers, kind, message);
        var http = EngineServer.toHttp(response);
        http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        release();
        ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }
}

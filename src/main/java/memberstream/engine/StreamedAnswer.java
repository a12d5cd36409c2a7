package memberstream.engine;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import memberstream.engine.protocol.EngineResponse;
import memberstream.engine.protocol.ResponseStreamSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed response on one connection (HTTP/1.1) or HTTP/2 stream: writes the head, then the chunks
 * its {@link memberstream.engine.protocol.ResponseStream} sends, through the dispatcher's context, so the
 * same handlers (CORS, the connection guard, the HTTP/2 stream codec) see them as they see ordinary
 * answers. Thread-safe as {@link ResponseStreamSink} promises: state changes under this object's lock,
 * which also keeps the order of writes the order of calls.
 */
final class StreamedAnswer implements ResponseStreamSink {

    private static final Logger log = LoggerFactory.getLogger(StreamedAnswer.class);

    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final Runnable afterEnd;
    private final AtomicLong pendingBytes = new AtomicLong();
    private final List<Runnable> closeActions = new ArrayList<>();
    private boolean open = true;
    private boolean closeActionsRan;

    /**
     * @param afterEnd runs (on any thread) once the body ended normally and the connection may serve
     *                 its next request
     */
    private StreamedAnswer(ChannelHandlerContext ctx, boolean keepAlive, Runnable afterEnd) {
        this.ctx = ctx;
        this.keepAlive = keepAlive;
        this.afterEnd = afterEnd;
    }

    /** Writes the head of {@code response} and opens its stream. Call on the dispatcher's executor. */
    static StreamedAnswer start(ChannelHandlerContext ctx, EngineResponse response, boolean keepAlive, Runnable afterEnd,
                                StreamedAnswers open) {
        StreamedAnswer answer = new StreamedAnswer(ctx, keepAlive, afterEnd);
        ctx.channel().closeFuture().addListener(closed -> answer.cut(null));
        open.add(answer);
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()));
        response.headers().forEach((name, value) -> head.headers().set(name, value));
        head.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        HttpUtil.setTransferEncodingChunked(head, true);
        head.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(head).addListener(answer.onWritten(0));
        try {
            response.stream().open(answer);
        } catch (RuntimeException e) {
            log.error("A response stream failed to open", e);
            answer.cut("the stream failed to open");
        }
        return answer;
    }

    @Override
    public void send(byte[] chunk) {
        if (chunk == null || chunk.length == 0) {
            return;
        }
        synchronized (this) {
            if (!open) {
                return;
            }
            if (pendingBytes.addAndGet(chunk.length) > MAX_PENDING_BYTES) {
                pendingBytes.addAndGet(-chunk.length);
            } else {
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk))).addListener(onWritten(chunk.length));
                return;
            }
        }
        cut("the client did not read " + MAX_PENDING_BYTES + " bytes sent to it");
    }

    @Override
    public void end() {
        endNormally();
    }

    /** As {@link #end()}; returns the last write, or null if the answer had already closed. */
    ChannelFuture endNormally() {
        ChannelFuture lastWrite;
        synchronized (this) {
            if (!open) {
                return null;
            }
            open = false;
            ChannelFutureListener afterWrite = keepAlive ? onWritten(0) : ChannelFutureListener.CLOSE;
            lastWrite = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(afterWrite);
        }
        runCloseActions();
        if (keepAlive) {
            try {
                afterEnd.run();
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // the server's threads are stopping: no next request will be served on this connection
            }
        }
        return lastWrite;
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public boolean isWritable() {
        return isOpen() && ctx.channel().isWritable();
    }

    @Override
    public void onClose(Runnable action) {
        synchronized (this) {
            if (!closeActionsRan) {
                closeActions.add(action);
                return;
            }
        }
        runQuietly(action);
    }

    private ChannelFutureListener onWritten(int bytes) {
        return written -> {
            pendingBytes.addAndGet(-bytes);
            if (!written.isSuccess()) {
                cut(null);
            }
        };
    }

    /** Ends the response abnormally: the client sees a truncated body (HTTP/2 stream reset, connection closed). */
    private void cut(String reason) {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
        }
        if (reason != null) {
            log.debug("Cutting off a streamed response: {}", reason);
        }
        ctx.channel().close();
        runCloseActions();
    }

    private void runCloseActions() {
        List<Runnable> actions;
        synchronized (this) {
            closeActionsRan = true;
            actions = List.copyOf(closeActions);
            closeActions.clear();
        }
        actions.forEach(StreamedAnswer::runQuietly);
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("A response stream's close action failed", e);
        }
    }
}

package memberstream.engine.protocol;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.ArrayDeque;

/**
 * The {@link FrontDoor} in the engine's Netty pipeline, after the request is read whole and before the
 * dispatcher: an admitted request goes on, a refused one is answered here (keep-alive as asked) and never
 * reaches a service. For an admitted request from an allowed browser origin it adds the CORS headers to
 * the answer that comes back through it (answers come in request order, so a queue pairs them).
 * One instance per connection; confined to the connection's executor.
 */
public final class FrontDoorHandler extends ChannelDuplexHandler {

    private final FrontDoor door;
    /** The CORS origin of each request passed on and not yet answered; "" for none. */
    private final ArrayDeque<String> pendingOrigins = new ArrayDeque<>();

    public FrontDoorHandler(FrontDoor door) {
        this.door = door;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof FullHttpRequest request) || !request.decoderResult().isSuccess()) {
            ctx.fireChannelRead(message);
            return;
        }
        FrontDoor.Admission admission;
        try {
            admission = door.admit(request);
        } catch (FrontDoorRefusal refusal) {
            FullHttpResponse response = FrontDoorAnswers.refusal(request, refusal, door.clock().instant());
            String origin = request.headers().get("origin");
            if (refusal.error() != FrontDoorError.FOREIGN_ORIGIN && origin != null) {
                FrontDoorAnswers.addCorsHeaders(response, origin);
            }
            answer(ctx, request, response);
            return;
        }
        if (admission.preflight()) {
            answer(ctx, request, FrontDoorAnswers.preflight(request, admission.corsOrigin()));
            return;
        }
        pendingOrigins.addLast(admission.corsOrigin() == null ? "" : admission.corsOrigin());
        ctx.fireChannelRead(request);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof HttpResponse response) {
            String origin = pendingOrigins.pollFirst();
            if (origin != null && !origin.isEmpty()) {
                FrontDoorAnswers.addCorsHeaders(response, origin);
            }
        }
        ctx.write(message, promise);
    }

    private static void answer(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        request.release();
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}

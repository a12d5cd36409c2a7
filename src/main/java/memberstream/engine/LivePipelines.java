package memberstream.engine;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the pipelines (HTTP/1.1 connections and HTTP/2 streams) that hold request handlers on the
 * worker threads and are not torn down yet. Netty tears a closed channel's pipeline down after its
 * close completes, hopping between its I/O thread and its worker; stopping those threads before the
 * hops are done gets the hop refused ("Unexpected exception from an event executor"). So the server,
 * once its connections are closed, waits for this count to reach zero before it stops its threads.
 *
 * <p>Added first in each such pipeline: Netty removes handlers from the tail towards the head, so this
 * one's removal is the last step of a teardown. Thread-safe (one shared instance, an atomic count).
 */
@ChannelHandler.Sharable
final class LivePipelines extends ChannelHandlerAdapter {

    static final String NAME = "live-pipelines";

    private final AtomicInteger live = new AtomicInteger();

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        live.incrementAndGet();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        live.decrementAndGet();
    }

    /** Waits up to {@code millis} for every pipeline to be torn down; false if some are left. */
    boolean awaitNone(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (live.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}

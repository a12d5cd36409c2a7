package memberstream.engine;

import io.netty.channel.ChannelFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The streamed answers (event streams such as SubscribeToShard's) one server is writing, so that closing
 * the server can end them normally (the last chunk, or END_STREAM over HTTP/2) before it closes their
 * connections: a client then sees its stream end as at the end of a subscription, and no connection's
 * teardown is left racing the shutdown of the server's threads.
 *
 * <p>Thread-safe: answers join from worker threads and leave from any thread as they close.
 */
final class StreamedAnswers {

    private final Set<StreamedAnswer> open = ConcurrentHashMap.newKeySet();

    /**
     * Keeps {@code answer} until it closes. (One that starts after {@link #endAll} is cut off with its
     * connection, as the server closes them all right after.)
     */
    void add(StreamedAnswer answer) {
        open.add(answer);
        answer.onClose(() -> open.remove(answer));
    }

    /** Ends every open answer and waits up to {@code millis} for their last writes to leave. */
    void endAll(long millis) {
        List<ChannelFuture> lastWrites = new ArrayList<>();
        for (StreamedAnswer answer : List.copyOf(open)) {
            ChannelFuture lastWrite = answer.endNormally();
            if (lastWrite != null) {
                lastWrites.add(lastWrite);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (ChannelFuture lastWrite : lastWrites) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !lastWrite.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }
}

package memberstream.live.tail;

import java.util.List;

/**
 * What the consumer is doing, for the live view: the stream it follows, in which state, and how far
 * behind it is on each shard it reads.
 *
 * @param message plain-language detail, e.g. why it waits
 */
public record LiveStatus(String streamName, State state, String message, List<ShardLagChart.Lag> lags) {

    /**
     * IDLE: nobody watches, nothing is read; CATCHING_UP: a watcher arrived and the window is being
     * read back from the stream before reading goes on.
     */
    public enum State { STARTING, DISABLED, IDLE, CATCHING_UP, WAITING_FOR_STREAM, READING, UNREACHABLE }

    static LiveStatus starting() {
        return new LiveStatus(null, State.STARTING, "Starting", List.of());
    }
}

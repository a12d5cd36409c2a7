package memberstream.live.tail;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The live consumer's knobs.
 *
 * @param consumerEnabled       run the background consumer of the members stream
 * @param initialPosition       where to start on a stream with no checkpoint: TRIM_HORIZON or LATEST
 * @param bufferSize            how many recent records the console keeps in memory
 * @param getRecordsLimit       GetRecords {@code Limit}
 * @param pollInterval          the least time between two GetRecords on one shard (AWS allows 5 a second)
 * @param idlePollInterval      the wait after an empty answer
 * @param discoveryInterval     how often to look for the stream and its shards (also while it is absent)
 * @param checkpointInterval    how often read positions are written to PostgreSQL
 * @param fanOut                read through enhanced fan-out when the endpoint has it (else, or when
 *                              false, by polling GetRecords)
 * @param idleAfter             how long the consumer goes on reading after the last watcher (the live
 *                              tail's last browser) left, so that moving between views does not stop and
 *                              start it; then it stops reading until a watcher comes back
 */
@ConfigurationProperties("memberstream.live")
public record LiveProperties(
        @DefaultValue("true") boolean consumerEnabled,
        @DefaultValue("TRIM_HORIZON") InitialPosition initialPosition,
        @DefaultValue("500") int bufferSize,
        @DefaultValue("1000") int getRecordsLimit,
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("500ms") Duration idlePollInterval,
        @DefaultValue("10s") Duration discoveryInterval,
        @DefaultValue("5s") Duration checkpointInterval,
        @DefaultValue("true") boolean fanOut,
        @DefaultValue("30s") Duration idleAfter) {

    public enum InitialPosition { TRIM_HORIZON, LATEST }

    public static LiveProperties defaults() {
        return new LiveProperties(true, InitialPosition.TRIM_HORIZON, 500, 1000, Duration.ofMillis(250),
                Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(5), true, Duration.ofSeconds(30));
    }

    /** The same, with enhanced fan-out on or off. */
    public LiveProperties withFanOut(boolean on) {
        return new LiveProperties(consumerEnabled, initialPosition, bufferSize, getRecordsLimit, pollInterval,
                idlePollInterval, discoveryInterval, checkpointInterval, on, idleAfter);
    }

    /** The same, idle {@code after} the last watcher left. */
    public LiveProperties withIdleAfter(Duration after) {
        return new LiveProperties(consumerEnabled, initialPosition, bufferSize, getRecordsLimit, pollInterval,
                idlePollInterval, discoveryInterval, checkpointInterval, fanOut, after);
    }
}

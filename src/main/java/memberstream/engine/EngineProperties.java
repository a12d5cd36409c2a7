package memberstream.engine;

import java.time.Duration;
import memberstream.engine.storage.FsyncPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The engine's settings ({@code memberstream.engine.*}); its data lives under {@code <memberstream.data-dir>/engine}.
 *
 * @param port             the engine's HTTP port; 0 picks a free one (tests)
 * @param bindAddress      the address it listens on; loopback unless you mean to share it
 * @param throughputLimits per-shard Kinesis limits as on AWS (1 MiB/s or 1,000 records/s in; 2 MiB/s and 5 reads/s out)
 * @param fsync            when the logs are forced to disk: {@code every-batch} (before each acknowledgement,
 *                         group commit) or {@code os} (left to the operating system)
 * @param statusDelay      how long streams stay CREATING, UPDATING or DELETING
 */
@ConfigurationProperties("memberstream.engine")
public record EngineProperties(
        @DefaultValue("4566") int port,
        @DefaultValue("127.0.0.1") String bindAddress,
        @DefaultValue("true") boolean throughputLimits,
        @DefaultValue("every-batch") FsyncPolicy fsync,
        @DefaultValue("500ms") Duration statusDelay) {

    /** The defaults, for code that starts the engine without Spring (tests, the benchmark). */
    public static EngineProperties defaults() {
        return new EngineProperties(4566, "127.0.0.1", true, FsyncPolicy.EVERY_BATCH, Duration.ofMillis(500));
    }

    public EngineProperties withPort(int newPort) {
        return new EngineProperties(newPort, bindAddress, throughputLimits, fsync, statusDelay);
    }

    public EngineProperties withThroughputLimits(boolean limits) {
        return new EngineProperties(port, bindAddress, limits, fsync, statusDelay);
    }

    public EngineProperties withFsync(FsyncPolicy policy) {
        return new EngineProperties(port, bindAddress, throughputLimits, policy, statusDelay);
    }

    public EngineProperties withStatusDelay(Duration delay) {
        return new EngineProperties(port, bindAddress, throughputLimits, fsync, delay);
    }
}

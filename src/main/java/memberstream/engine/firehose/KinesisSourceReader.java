package memberstream.engine.firehose;

import java.util.List;
import java.util.Map;

/**
 * How a KinesisStreamAsSource delivery stream reads the engine's own Kinesis stream. Implementations
 * must be thread-safe.
 */
public interface KinesisSourceReader {

    /** One record taken from a shard. */
    record SourceRecord(String shardId, String sequenceNumber, long arrivalMillis, byte[] data) {
    }

    /** True if the stream named by the ARN exists. */
    boolean exists(String streamArn);

    /**
     * Returns up to {@code maxRecords} records following {@code positions} (shard id to the sequence number
     * of the last record already taken). A shard without a position is read from the first record that
     * arrived at or after {@code startMillis}. Records of one shard come in sequence order.
     */
    List<SourceRecord> read(String streamArn, Map<String, String> positions, long startMillis, int maxRecords);
}

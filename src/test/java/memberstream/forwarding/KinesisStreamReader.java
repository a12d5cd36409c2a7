package memberstream.forwarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Test helper: reads a whole Kinesis stream from the start, as any consumer would, through the SDK. */
final class KinesisStreamReader {

    /** One record as read back: where it is, its key, and its CloudEvent. */
    record ReadRecord(String shardId, String sequenceNumber, String partitionKey, JsonNode event) {

        String id() {
            return event.path("id").asText();
        }

        String type() {
            return event.path("type").asText();
        }
    }

    private final KinesisClient kinesis;
    private final ObjectMapper json;

    KinesisStreamReader(KinesisClient kinesis, ObjectMapper json) {
        this.kinesis = kinesis;
        this.json = json;
    }

    /** Every record of the stream, shard by shard, each shard in sequence-number order. */
    List<ReadRecord> readAll(String stream) {
        List<ReadRecord> records = new ArrayList<>();
        for (Shard shard : kinesis.listShards(r -> r.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = getRecords(current);
                response.records().forEach(r -> records.add(new ReadRecord(shard.shardId(), r.sequenceNumber(),
                        r.partitionKey(), parse(r.data().asByteArray()))));
                iterator = response.records().isEmpty() && Long.valueOf(0).equals(response.millisBehindLatest())
                        ? null : response.nextShardIterator();
            }
        }
        return records;
    }

    /**
     * One GetRecords, waiting out throttling as a consumer must: the shard's five reads a second are
     * shared with the console's own readers (the live tail) when throughput limits are on.
     */
    private GetRecordsResponse getRecords(String iterator) {
        for (int attempt = 1; ; attempt++) {
            try {
                return kinesis.getRecords(r -> r.shardIterator(iterator).limit(10_000));
            } catch (ProvisionedThroughputExceededException e) {
                if (attempt == 100) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The records whose CloudEvent subject is {@code subject}, in the order of their shard. */
    List<ReadRecord> recordsFor(String stream, String subject) {
        return readAll(stream).stream()
                .filter(r -> subject.equals(r.event().path("subject").asText()))
                .sorted(Comparator.comparing(ReadRecord::shardId)
                        .thenComparing(r -> new BigInteger(r.sequenceNumber())))
                .toList();
    }

    private JsonNode parse(byte[] data) {
        try {
            return json.readTree(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

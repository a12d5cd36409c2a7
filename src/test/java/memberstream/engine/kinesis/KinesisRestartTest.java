package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import memberstream.engine.EngineProperties;
import memberstream.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Streams, shards, resharding history, tags, settings and records survive a restart of the engine. */
class KinesisRestartTest {

    @TempDir
    Path directory;

    @Test
    void everythingComesBackAfterARestart() {
        MutableClock clock = new MutableClock(Instant.parse("2026-02-01T00:00:00Z"));
        EngineProperties properties = EngineProperties.defaults().withPort(0).withStatusDelay(Duration.ZERO);
        List<String> sequences = new ArrayList<>();
        List<Shard> shardsBefore;
        try (LocalKinesis engine = new LocalKinesis(directory, properties, clock, 4096)) {
            KinesisClient kinesis = engine.client(false);
            kinesis.createStream(b -> b.streamName("durable").shardCount(1));
            for (int i = 0; i < 40; i++) {
                int n = i;
                sequences.add(kinesis.putRecord(b -> b.streamName("durable").partitionKey("k" + n)
                        .data(SdkBytes.fromUtf8String("record-" + n + "-" + "x".repeat(100)))).sequenceNumber());
            }
            kinesis.splitShard(b -> b.streamName("durable").shardToSplit("shardId-000000000000")
                    .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString()));
            sequences.add(kinesis.putRecord(b -> b.streamName("durable").partitionKey("k").explicitHashKey("0")
                    .data(SdkBytes.fromUtf8String("child"))).sequenceNumber());
            kinesis.addTagsToStream(b -> b.streamName("durable").tags(Map.of("owner", "ops")));
            kinesis.increaseStreamRetentionPeriod(b -> b.streamName("durable").retentionPeriodHours(72));
            shardsBefore = kinesis.describeStream(b -> b.streamName("durable")).streamDescription().shards();
        }
        try (LocalKinesis engine = new LocalKinesis(directory, properties, clock, 4096)) {
            KinesisClient kinesis = engine.client(true);
            var description = kinesis.describeStream(b -> b.streamName("durable")).streamDescription();
            assertThat(description.shards()).isEqualTo(shardsBefore);
            assertThat(description.retentionPeriodHours()).isEqualTo(72);
            assertThat(kinesis.listTagsForStream(b -> b.streamName("durable")).tags())
                    .extracting(t -> t.key() + "=" + t.value()).containsExactly("owner=ops");

            GetRecordsResponse parent = kinesis.getRecords(b -> b.shardIterator(kinesis.getShardIterator(i -> i.streamName("durable")
                    .shardId("shardId-000000000000").shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator()));
            assertThat(parent.records()).extracting(Record::sequenceNumber).containsExactlyElementsOf(sequences.subList(0, 40));
            assertThat(parent.records().get(7).data().asUtf8String()).startsWith("record-7-");
            assertThat(parent.nextShardIterator()).isNull();
            assertThat(parent.childShards()).hasSize(2);

            String next = kinesis.putRecord(b -> b.streamName("durable").partitionKey("k").explicitHashKey("0")
                    .data(SdkBytes.fromUtf8String("after restart"))).sequenceNumber();
            assertThat(new BigInteger(next)).isGreaterThan(new BigInteger(sequences.get(sequences.size() - 1)));
            GetRecordsResponse child = kinesis.getRecords(b -> b.shardIterator(kinesis.getShardIterator(i -> i.streamName("durable")
                    .shardId("shardId-000000000001").shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator()));
            assertThat(child.records()).extracting(r -> r.data().asUtf8String()).containsExactly("child", "after restart");
        }
    }
}

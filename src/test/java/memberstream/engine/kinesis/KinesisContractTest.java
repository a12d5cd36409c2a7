package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import memberstream.engine.EngineProperties;
import memberstream.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.EncryptionType;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ListStreamsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Every Kinesis action through the real AWS SDK v2 client over HTTP. Run twice: over CBOR (the SDK's
 * default) and over JSON. The engine runs with throughput limits on and a hand-moved clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KinesisContractTest {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    MutableClock clock;
    LocalKinesis engine;
    KinesisClient kinesis;

    /** True for the JSON run. */
    abstract boolean json();

    @BeforeAll
    void start() throws java.io.IOException {
        Path directory = Path.of("target/test-data/kinesis-contract-" + (json() ? "json" : "cbor"));
        org.springframework.util.FileSystemUtils.deleteRecursively(directory);
        clock = new MutableClock(START);
        engine = new LocalKinesis(directory, EngineProperties.defaults().withPort(0).withStatusDelay(Duration.ofSeconds(1)), clock);
        kinesis = engine.client(json());
    }

    @AfterAll
    void stop() {
        engine.close();
    }

    // ---------------------------------------------------------------- helpers

    void create(String name, int shards) {
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        clock.advance(Duration.ofMillis(1100));
        assertThat(status(name)).isEqualTo(StreamStatus.ACTIVE);
    }

    StreamStatus status(String name) {
        return kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus();
    }

    /** GetRecords, a fifth of a second later (five reads a second per shard are allowed). */
    GetRecordsResponse read(String iterator) {
        clock.advance(Duration.ofMillis(201));
        return kinesis.getRecords(b -> b.shardIterator(iterator));
    }

    String iterator(String stream, String shardId, ShardIteratorType type) {
        return kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId).shardIteratorType(type)).shardIterator();
    }

    List<Record> drain(String stream, String shardId) {
        List<Record> all = new ArrayList<>();
        String iterator = iterator(stream, shardId, ShardIteratorType.TRIM_HORIZON);
        for (int i = 0; i < 50 && iterator != null; i++) {
            GetRecordsResponse response = read(iterator);
            all.addAll(response.records());
            if (response.records().isEmpty() && response.millisBehindLatest() == 0) {
                break;
            }
            iterator = response.nextShardIterator();
        }
        return all;
    }

    static SdkBytes bytes(String text) {
        return SdkBytes.fromString(text, StandardCharsets.UTF_8);
    }

    static BigInteger md5(String key) throws Exception {
        return new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    // ---------------------------------------------------------------- streams

    @Test
    void theClientSpeaksTheExpectedEncoding() {
        kinesis.listStreams();
        assertThat(engine.sentContentTypes).isNotEmpty()
                .allMatch(type -> type.equals(json() ? "application/x-amz-json-1.1" : "application/x-amz-cbor-1.1"));
    }

    @Test
    void createDescribeListAndDeleteAStream() {
        Instant createdAt = clock.instant();
        kinesis.createStream(b -> b.streamName("lifecycle").shardCount(3));
        assertThat(status("lifecycle")).isEqualTo(StreamStatus.CREATING);
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("lifecycle").partitionKey("k").data(bytes("x"))))
                .isInstanceOf(ResourceNotFoundException.class);
        clock.advance(Duration.ofMillis(1100));

        StreamDescription description = kinesis.describeStream(b -> b.streamName("lifecycle")).streamDescription();
        assertThat(description.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
        assertThat(description.streamARN()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/lifecycle");
        assertThat(description.retentionPeriodHours()).isEqualTo(24);
        assertThat(description.streamCreationTimestamp()).isEqualTo(createdAt);
        assertThat(description.streamModeDetails().streamMode()).isEqualTo(StreamMode.PROVISIONED);
        assertThat(description.shards()).extracting(Shard::shardId)
                .containsExactly("shardId-000000000000", "shardId-000000000001", "shardId-000000000002");
        BigInteger third = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(3));
        assertThat(description.shards().get(0).hashKeyRange().startingHashKey()).isEqualTo("0");
        assertThat(description.shards().get(0).hashKeyRange().endingHashKey()).isEqualTo(third.subtract(BigInteger.ONE).toString());
        assertThat(description.shards().get(1).hashKeyRange().startingHashKey()).isEqualTo(third.toString());
        assertThat(description.shards().get(2).hashKeyRange().endingHashKey())
                .isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString());
        assertThat(description.shards().get(0).sequenceNumberRange().startingSequenceNumber()).hasSize(56);

        StreamDescription page = kinesis.describeStream(b -> b.streamName("lifecycle").limit(2)).streamDescription();
        assertThat(page.shards()).hasSize(2);
        assertThat(page.hasMoreShards()).isTrue();
        assertThat(kinesis.describeStream(b -> b.streamName("lifecycle").exclusiveStartShardId("shardId-000000000001"))
                .streamDescription().shards()).extracting(Shard::shardId).containsExactly("shardId-000000000002");

        var summary = kinesis.describeStreamSummary(b -> b.streamARN(description.streamARN())).streamDescriptionSummary();
        assertThat(summary.openShardCount()).isEqualTo(3);
        assertThat(summary.streamName()).isEqualTo("lifecycle");

        assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName("lifecycle").shardCount(1)))
                .isInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("Stream lifecycle under account 000000000000 already exists.");

        kinesis.deleteStream(b -> b.streamARN(description.streamARN()));
        assertThat(status("lifecycle")).isEqualTo(StreamStatus.DELETING);
        clock.advance(Duration.ofMillis(1100));
        assertThatThrownBy(() -> status("lifecycle")).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Stream lifecycle under account 000000000000 not found.");
    }

    @Test
    void listStreamsPagesWithSummaries() {
        for (String name : List.of("page-a", "page-b", "page-c")) {
            kinesis.createStream(b -> b.streamName(name).shardCount(1));
        }
        clock.advance(Duration.ofMillis(1100));
        ListStreamsResponse first = kinesis.listStreams(b -> b.limit(2).exclusiveStartStreamName("page-"));
        assertThat(first.streamNames()).containsExactly("page-a", "page-b");
        assertThat(first.hasMoreStreams()).isTrue();
        assertThat(first.streamSummaries()).extracting(s -> s.streamName()).containsExactly("page-a", "page-b");
        assertThat(first.streamSummaries().get(0).streamStatus()).isEqualTo(StreamStatus.ACTIVE);
        assertThat(first.streamSummaries().get(0).streamARN()).endsWith(":stream/page-a");
        ListStreamsResponse second = kinesis.listStreams(b -> b.nextToken(first.nextToken()).limit(1));
        assertThat(second.streamNames()).containsExactly("page-c");
    }

    @Test
    void listShardsPagesAndFilters() {
        create("shards", 4);
        ListShardsResponse first = kinesis.listShards(b -> b.streamName("shards").maxResults(3));
        assertThat(first.shards()).hasSize(3);
        assertThat(first.nextToken()).isNotNull();
        ListShardsResponse rest = kinesis.listShards(b -> b.nextToken(first.nextToken()));
        assertThat(rest.shards()).extracting(Shard::shardId).containsExactly("shardId-000000000003");
        assertThat(rest.nextToken()).isNull();
        assertThatThrownBy(() -> kinesis.listShards(b -> b.streamName("shards").nextToken(first.nextToken())))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("NextToken and StreamName cannot be provided together.");

        kinesis.splitShard(b -> b.streamName("shards").shardToSplit("shardId-000000000000")
                .newStartingHashKey(BigInteger.ONE.shiftLeft(124).toString()));
        clock.advance(Duration.ofMillis(1100));
        assertThat(kinesis.listShards(b -> b.streamName("shards")).shards()).hasSize(6);
        assertThat(kinesis.listShards(b -> b.streamName("shards").shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards())
                .extracting(Shard::shardId).containsExactly("shardId-000000000001", "shardId-000000000002",
                        "shardId-000000000003", "shardId-000000000004", "shardId-000000000005");
        assertThat(kinesis.listShards(b -> b.streamName("shards").shardFilter(f -> f.type(ShardFilterType.AT_TRIM_HORIZON))).shards())
                .extracting(Shard::shardId).containsExactly("shardId-000000000000", "shardId-000000000001",
                        "shardId-000000000002", "shardId-000000000003");
        assertThat(kinesis.listShards(b -> b.streamName("shards")
                .shardFilter(f -> f.type(ShardFilterType.AFTER_SHARD_ID).shardId("shardId-000000000003"))).shards())
                .extracting(Shard::shardId).containsExactly("shardId-000000000004", "shardId-000000000005");
        assertThat(kinesis.listShards(b -> b.streamName("shards")
                .shardFilter(f -> f.type(ShardFilterType.FROM_TIMESTAMP).timestamp(clock.instant()))).shards())
                .extracting(Shard::shardId).doesNotContain("shardId-000000000000").hasSize(5);
    }

    // ---------------------------------------------------------------- records

    @Test
    void putRecordAndReadItBackByteForByte() throws Exception {
        create("records", 2);
        byte[] payload = new byte[300];
        IntStream.range(0, payload.length).forEach(i -> payload[i] = (byte) i);
        Instant putAt = clock.instant();
        PutRecordResponse put = kinesis.putRecord(b -> b.streamName("records").partitionKey("member-1")
                .data(SdkBytes.fromByteArray(payload)));
        String expectedShard = md5("member-1").compareTo(BigInteger.ONE.shiftLeft(127)) < 0
                ? "shardId-000000000000" : "shardId-000000000001";
        assertThat(put.shardId()).isEqualTo(expectedShard);
        assertThat(put.sequenceNumber()).hasSize(56).matches("\\d+");

        List<Record> records = drain("records", expectedShard);
        assertThat(records).hasSize(1);
        Record record = records.get(0);
        assertThat(record.data().asByteArray()).isEqualTo(payload);
        assertThat(record.partitionKey()).isEqualTo("member-1");
        assertThat(record.sequenceNumber()).isEqualTo(put.sequenceNumber());
        assertThat(record.approximateArrivalTimestamp()).isEqualTo(putAt);
    }

    @Test
    void explicitHashKeysRouteAndSequenceNumbersIncrease() {
        create("routing", 2);
        String high = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString();
        PutRecordResponse first = kinesis.putRecord(b -> b.streamName("routing").partitionKey("a").explicitHashKey("0").data(bytes("1")));
        PutRecordResponse second = kinesis.putRecord(b -> b.streamName("routing").partitionKey("a").explicitHashKey(high).data(bytes("2")));
        PutRecordResponse third = kinesis.putRecord(b -> b.streamName("routing").partitionKey("a").explicitHashKey("0")
                .sequenceNumberForOrdering(first.sequenceNumber()).data(bytes("3")));
        assertThat(first.shardId()).isEqualTo("shardId-000000000000");
        assertThat(second.shardId()).isEqualTo("shardId-000000000001");
        assertThat(new BigInteger(third.sequenceNumber())).isGreaterThan(new BigInteger(first.sequenceNumber()));
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("routing").partitionKey("a")
                .explicitHashKey(BigInteger.ONE.shiftLeft(128).toString()).data(bytes("x"))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Invalid ExplicitHashKey");
    }

    @Test
    void putRecordsAnswersPerRecordInOrder() {
        create("batch", 4);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i).data(bytes("value-" + i)).build());
        }
        PutRecordsResponse response = kinesis.putRecords(b -> b.streamName("batch").records(entries));
        assertThat(response.failedRecordCount()).isZero();
        assertThat(response.records()).hasSize(100).allSatisfy(r -> assertThat(r.sequenceNumber()).hasSize(56));

        List<Record> all = new ArrayList<>();
        for (int shard = 0; shard < 4; shard++) {
            List<Record> records = drain("batch", ShardId.format(shard));
            for (int i = 1; i < records.size(); i++) {
                assertThat(new BigInteger(records.get(i).sequenceNumber()))
                        .isGreaterThan(new BigInteger(records.get(i - 1).sequenceNumber()));
            }
            all.addAll(records);
        }
        assertThat(all).hasSize(100);
        for (int i = 0; i < 100; i++) {
            PutRecordsResultEntry result = response.records().get(i);
            Record stored = all.stream().filter(r -> r.sequenceNumber().equals(result.sequenceNumber())).findFirst().orElseThrow();
            assertThat(stored.data().asUtf8String()).isEqualTo("value-" + i);
            assertThat(stored.partitionKey()).isEqualTo("key-" + i);
        }
    }

    @Test
    void iteratorsOfAllFiveTypes() {
        create("iterators", 1);
        String shard = "shardId-000000000000";
        List<String> sequences = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            sequences.add(kinesis.putRecord(b -> b.streamName("iterators").partitionKey("k").data(bytes("r" + n))).sequenceNumber());
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(read(iterator("iterators", shard, ShardIteratorType.TRIM_HORIZON)).records()).hasSize(3);
        assertThat(read(iterator("iterators", shard, ShardIteratorType.LATEST)).records()).isEmpty();
        assertThat(read(kinesis.getShardIterator(b -> b.streamName("iterators").shardId(shard)
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(sequences.get(1))).shardIterator())
                .records()).extracting(r -> r.data().asUtf8String()).containsExactly("r1", "r2");
        assertThat(read(kinesis.getShardIterator(b -> b.streamName("iterators").shardId(shard)
                .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(sequences.get(1))).shardIterator())
                .records()).extracting(r -> r.data().asUtf8String()).containsExactly("r2");
        GetRecordsResponse byTime = read(kinesis.getShardIterator(b -> b.streamName("iterators").shardId(shard)
                .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(clock.instant().minusSeconds(15))).shardIterator());
        assertThat(byTime.records()).extracting(r -> r.data().asUtf8String()).containsExactly("r2");

        // LATEST, then a write: the write is what the iterator sees next
        String latest = iterator("iterators", shard, ShardIteratorType.LATEST);
        kinesis.putRecord(b -> b.streamName("iterators").partitionKey("k").data(bytes("r3")));
        assertThat(read(latest).records()).extracting(r -> r.data().asUtf8String()).containsExactly("r3");

        assertThatThrownBy(() -> kinesis.getShardIterator(b -> b.streamName("iterators").shardId(shard)
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.");
        assertThatThrownBy(() -> kinesis.getShardIterator(b -> b.streamName("iterators").shardId("shardId-000000000009")
                .shardIteratorType(ShardIteratorType.LATEST)))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Shard shardId-000000000009 in stream iterators under account 000000000000 does not exist");
        assertThatThrownBy(() -> kinesis.getShardIterator(b -> b.streamName("iterators").shardId(shard)
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber("12345")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("is invalid");
    }

    @Test
    void getRecordsLimitsLagFreshIteratorsAndExpiry() {
        create("reading", 1);
        String shard = "shardId-000000000000";
        List<PutRecordsRequestEntry> entries = IntStream.range(0, 10)
                .mapToObj(i -> PutRecordsRequestEntry.builder().partitionKey("k").data(bytes("v" + i)).build()).toList();
        kinesis.putRecords(b -> b.streamName("reading").records(entries));
        clock.advance(Duration.ofSeconds(3));

        GetRecordsResponse first = kinesis.getRecords(b -> b.shardIterator(iterator("reading", shard, ShardIteratorType.TRIM_HORIZON)).limit(4));
        assertThat(first.records()).extracting(r -> r.data().asUtf8String()).containsExactly("v0", "v1", "v2", "v3");
        assertThat(first.millisBehindLatest()).isGreaterThanOrEqualTo(3000L);
        GetRecordsResponse rest = read(first.nextShardIterator());
        assertThat(rest.records()).hasSize(6);
        assertThat(rest.millisBehindLatest()).isZero();

        GetRecordsResponse empty = read(rest.nextShardIterator());
        assertThat(empty.records()).isEmpty();
        assertThat(empty.nextShardIterator()).isNotNull().isNotEqualTo(rest.nextShardIterator());

        String fresh = empty.nextShardIterator();
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator(fresh)))
                .isInstanceOf(ExpiredIteratorException.class).hasMessageContaining("Iterator expired");
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Invalid ShardIterator.");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void validationErrorsReadAsAws() {
        assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName("bad name!").shardCount(0)))
                .isInstanceOf(KinesisException.class)
                .satisfies(e -> assertThat(((KinesisException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("2 validation errors detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '0' at 'shardCount' failed to satisfy "
                        + "constraint: Member must have value greater than or equal to 1")
                .satisfies(e -> assertThat(((KinesisException) e).statusCode()).isEqualTo(400));

        create("limits", 1);
        byte[] tooBig = new byte[1024 * 1024 + 1];
        assertThatThrownBy(() -> kinesis.putRecords(b -> b.streamName("limits").records(
                PutRecordsRequestEntry.builder().partitionKey("k").data(bytes("ok")).build(),
                PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromByteArray(tooBig)).build())))
                .hasMessageContaining("1 validation error detected: Value at 'records.2.member.data' failed to satisfy constraint: "
                        + "Member must have length less than or equal to 1048576");
        List<PutRecordsRequestEntry> tooMany = IntStream.range(0, 501)
                .mapToObj(i -> PutRecordsRequestEntry.builder().partitionKey("k").data(bytes("x")).build()).toList();
        assertThatThrownBy(() -> kinesis.putRecords(b -> b.streamName("limits").records(tooMany)))
                .hasMessageContaining("Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500");
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("limits").partitionKey("").data(bytes("x"))))
                .hasMessageContaining("Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1");
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("nowhere").partitionKey("k").data(bytes("x"))))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Stream nowhere under account 000000000000 not found.");
        assertThatThrownBy(() -> kinesis.getShardIterator(b -> b.streamName("limits").shardId("shardId-000000000000")))
                .hasMessageContaining("Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void putRecordsOverTheRequestTotalIsRefused() {
        create("total", 1);
        byte[] mebibyte = new byte[1024 * 1024];
        List<PutRecordsRequestEntry> entries = IntStream.range(0, 11)
                .mapToObj(i -> PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromByteArray(mebibyte)).build()).toList();
        assertThatThrownBy(() -> kinesis.putRecords(b -> b.streamName("total").records(entries)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Records size exceeds 10 MB limit");
    }

    // ---------------------------------------------------------------- retention, tags, modes, encryption, limits

    @Test
    void retentionChangesAndTrimsOldRecords() {
        create("retention", 1);
        kinesis.putRecord(b -> b.streamName("retention").partitionKey("k").data(bytes("old")));
        kinesis.increaseStreamRetentionPeriod(b -> b.streamName("retention").retentionPeriodHours(48));
        assertThat(kinesis.describeStreamSummary(b -> b.streamName("retention")).streamDescriptionSummary().retentionPeriodHours()).isEqualTo(48);
        assertThatThrownBy(() -> kinesis.increaseStreamRetentionPeriod(b -> b.streamName("retention").retentionPeriodHours(30)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("can not be shorter than existing retention period (48 hours)");
        assertThatThrownBy(() -> kinesis.decreaseStreamRetentionPeriod(b -> b.streamName("retention").retentionPeriodHours(12)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Minimum allowed retention period is 24 hours.");
        assertThatThrownBy(() -> kinesis.increaseStreamRetentionPeriod(b -> b.streamName("retention").retentionPeriodHours(9000)))
                .hasMessageContaining("Member must have value less than or equal to 8760");
        kinesis.decreaseStreamRetentionPeriod(b -> b.streamName("retention").retentionPeriodHours(24));

        clock.advance(Duration.ofHours(23));
        kinesis.putRecord(b -> b.streamName("retention").partitionKey("k").data(bytes("young")));
        assertThat(drain("retention", "shardId-000000000000")).extracting(r -> r.data().asUtf8String()).containsExactly("old", "young");
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(drain("retention", "shardId-000000000000")).extracting(r -> r.data().asUtf8String()).containsExactly("young");
        engine.service.enforceRetention();
        assertThat(drain("retention", "shardId-000000000000")).extracting(r -> r.data().asUtf8String()).containsExactly("young");
    }

    @Test
    void tagsAreAddedListedAndRemoved() {
        create("tagged", 1);
        kinesis.addTagsToStream(b -> b.streamName("tagged").tags(Map.of("team", "members", "env", "dev")));
        var tags = kinesis.listTagsForStream(b -> b.streamName("tagged"));
        assertThat(tags.tags()).extracting(t -> t.key() + "=" + t.value()).containsExactly("env=dev", "team=members");
        assertThat(tags.hasMoreTags()).isFalse();
        var page = kinesis.listTagsForStream(b -> b.streamName("tagged").limit(1));
        assertThat(page.hasMoreTags()).isTrue();
        kinesis.removeTagsFromStream(b -> b.streamName("tagged").tagKeys("env"));
        assertThat(kinesis.listTagsForStream(b -> b.streamName("tagged")).tags()).extracting(t -> t.key()).containsExactly("team");
        Map<String, String> many = new java.util.HashMap<>();
        IntStream.range(0, 50).forEach(i -> many.put("k" + i, "v"));
        assertThatThrownBy(() -> kinesis.addTagsToStream(b -> b.streamName("tagged").tags(many)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("cannot have more than 50 tags");
    }

    @Test
    void modesEncryptionAndLimits() {
        kinesis.createStream(b -> b.streamName("on-demand").streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
        clock.advance(Duration.ofMillis(1100));
        var summary = kinesis.describeStreamSummary(b -> b.streamName("on-demand")).streamDescriptionSummary();
        assertThat(summary.streamModeDetails().streamMode()).isEqualTo(StreamMode.ON_DEMAND);
        assertThat(summary.openShardCount()).isEqualTo(4);
        var limits = kinesis.describeLimits();
        assertThat(limits.shardLimit()).isEqualTo(500);
        assertThat(limits.onDemandStreamCount()).isGreaterThanOrEqualTo(1);
        assertThat(limits.openShardCount()).isGreaterThanOrEqualTo(4);

        kinesis.updateStreamMode(b -> b.streamARN(summary.streamARN()).streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED)));
        assertThat(status("on-demand")).isEqualTo(StreamStatus.UPDATING);
        clock.advance(Duration.ofMillis(1100));
        assertThat(kinesis.describeStreamSummary(b -> b.streamName("on-demand")).streamDescriptionSummary()
                .streamModeDetails().streamMode()).isEqualTo(StreamMode.PROVISIONED);

        kinesis.startStreamEncryption(b -> b.streamName("on-demand").encryptionType(EncryptionType.KMS).keyId("alias/aws/kinesis"));
        clock.advance(Duration.ofMillis(1100));
        var encrypted = kinesis.describeStreamSummary(b -> b.streamName("on-demand")).streamDescriptionSummary();
        assertThat(encrypted.encryptionType()).isEqualTo(EncryptionType.KMS);
        assertThat(encrypted.keyId()).isEqualTo("alias/aws/kinesis");
        assertThat(kinesis.putRecord(b -> b.streamName("on-demand").partitionKey("k").data(bytes("x"))).encryptionType())
                .isEqualTo(EncryptionType.KMS);
        kinesis.stopStreamEncryption(b -> b.streamName("on-demand").encryptionType(EncryptionType.KMS).keyId("alias/aws/kinesis"));
        clock.advance(Duration.ofMillis(1100));
        assertThat(kinesis.describeStreamSummary(b -> b.streamName("on-demand")).streamDescriptionSummary().encryptionType())
                .isEqualTo(EncryptionType.NONE);
    }

    // ---------------------------------------------------------------- resharding

    @Test
    void splitKeepsOldRecordsInTheParentAndEndsItWithChildShards() {
        create("split", 1);
        for (int i = 0; i < 5; i++) {
            int n = i;
            kinesis.putRecord(b -> b.streamName("split").partitionKey("k" + n).data(bytes("before-" + n)));
        }
        String middle = BigInteger.ONE.shiftLeft(127).toString();
        kinesis.splitShard(b -> b.streamName("split").shardToSplit("shardId-000000000000").newStartingHashKey(middle));
        assertThat(status("split")).isEqualTo(StreamStatus.UPDATING);
        assertThatThrownBy(() -> kinesis.splitShard(b -> b.streamName("split").shardToSplit("shardId-000000000001").newStartingHashKey("1")))
                .isInstanceOf(ResourceInUseException.class).hasMessageContaining("not ACTIVE, instead in state UPDATING");
        // writable while UPDATING
        PutRecordResponse after = kinesis.putRecord(b -> b.streamName("split").partitionKey("x").explicitHashKey("0").data(bytes("after")));
        assertThat(after.shardId()).isEqualTo("shardId-000000000001");
        clock.advance(Duration.ofMillis(1100));

        List<Shard> shards = kinesis.describeStream(b -> b.streamName("split")).streamDescription().shards();
        assertThat(shards).hasSize(3);
        assertThat(shards.get(0).sequenceNumberRange().endingSequenceNumber()).isNotNull();
        assertThat(shards.get(1).parentShardId()).isEqualTo("shardId-000000000000");
        assertThat(shards.get(1).hashKeyRange().endingHashKey()).isEqualTo(BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE).toString());
        assertThat(shards.get(2).hashKeyRange().startingHashKey()).isEqualTo(middle);

        GetRecordsResponse parent = read(iterator("split", "shardId-000000000000", ShardIteratorType.TRIM_HORIZON));
        assertThat(parent.records()).extracting(r -> r.data().asUtf8String())
                .containsExactly("before-0", "before-1", "before-2", "before-3", "before-4");
        GetRecordsResponse end = parent.nextShardIterator() == null ? parent : read(parent.nextShardIterator());
        assertThat(end.nextShardIterator()).isNull();
        assertThat(end.childShards()).extracting(ChildShard::shardId).containsExactly("shardId-000000000001", "shardId-000000000002");
        assertThat(end.childShards().get(0).parentShards()).containsExactly("shardId-000000000000");
        assertThat(new BigInteger(after.sequenceNumber())).isGreaterThan(new BigInteger(parent.records().get(4).sequenceNumber()));

        assertThatThrownBy(() -> kinesis.splitShard(b -> b.streamName("split").shardToSplit("shardId-000000000000").newStartingHashKey(middle)))
                .isInstanceOf(ResourceInUseException.class).hasMessageContaining("has already been merged or split");
    }

    @Test
    void mergeAndUpdateShardCount() {
        create("merge", 3);
        kinesis.putRecord(b -> b.streamName("merge").partitionKey("k").explicitHashKey("0").data(bytes("in-0")));
        assertThatThrownBy(() -> kinesis.mergeShards(b -> b.streamName("merge").shardToMerge("shardId-000000000000")
                .adjacentShardToMerge("shardId-000000000002")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not an adjacent pair");
        kinesis.mergeShards(b -> b.streamName("merge").shardToMerge("shardId-000000000000").adjacentShardToMerge("shardId-000000000001"));
        clock.advance(Duration.ofMillis(1100));
        List<Shard> shards = kinesis.listShards(b -> b.streamName("merge").shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards();
        assertThat(shards).extracting(Shard::shardId).containsExactly("shardId-000000000002", "shardId-000000000003");
        Shard merged = shards.get(1);
        assertThat(merged.parentShardId()).isEqualTo("shardId-000000000000");
        assertThat(merged.adjacentParentShardId()).isEqualTo("shardId-000000000001");
        assertThat(merged.hashKeyRange().startingHashKey()).isEqualTo("0");

        GetRecordsResponse parent = read(iterator("merge", "shardId-000000000000", ShardIteratorType.TRIM_HORIZON));
        assertThat(parent.records()).extracting(r -> r.data().asUtf8String()).containsExactly("in-0");
        assertThat(parent.nextShardIterator()).isNull();
        assertThat(parent.childShards()).singleElement().satisfies(child -> {
            assertThat(child.shardId()).isEqualTo("shardId-000000000003");
            assertThat(child.parentShards()).containsExactlyInAnyOrder("shardId-000000000000", "shardId-000000000001");
        });

        var update = kinesis.updateShardCount(b -> b.streamName("merge").targetShardCount(4).scalingType("UNIFORM_SCALING"));
        assertThat(update.currentShardCount()).isEqualTo(2);
        assertThat(update.targetShardCount()).isEqualTo(4);
        clock.advance(Duration.ofMillis(1100));
        assertThat(kinesis.describeStreamSummary(b -> b.streamName("merge")).streamDescriptionSummary().openShardCount()).isEqualTo(4);
        assertThatThrownBy(() -> kinesis.updateShardCount(b -> b.streamName("merge").targetShardCount(9).scalingType("UNIFORM_SCALING")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("more than double");
    }

    @Test
    void updateShardCountSplitsAndMergesSingleShardsToAnEvenLayout() {
        create("uniform", 2);
        kinesis.putRecord(b -> b.streamName("uniform").partitionKey("k").explicitHashKey("0").data(bytes("before")));

        // Doubling splits every shard once: no merges, each child names one parent.
        var up = kinesis.updateShardCount(b -> b.streamName("uniform").targetShardCount(4).scalingType("UNIFORM_SCALING"));
        assertThat(up.currentShardCount()).isEqualTo(2);
        assertThat(status("uniform")).isEqualTo(StreamStatus.UPDATING);
        clock.advance(Duration.ofMillis(1100));
        List<Shard> doubled = openShards("uniform");
        assertThat(doubled).extracting(Shard::shardId).containsExactly("shardId-000000000002", "shardId-000000000003",
                "shardId-000000000004", "shardId-000000000005");
        assertThat(doubled).extracting(Shard::parentShardId).containsExactly("shardId-000000000000", "shardId-000000000000",
                "shardId-000000000001", "shardId-000000000001");
        assertThat(doubled).allSatisfy(shard -> assertThat(shard.adjacentParentShardId()).isNull());
        assertEvenLayout(doubled);
        GetRecordsResponse parentEnd = read(iterator("uniform", "shardId-000000000000", ShardIteratorType.TRIM_HORIZON));
        assertThat(parentEnd.records()).extracting(r -> r.data().asUtf8String()).containsExactly("before");
        assertThat(parentEnd.nextShardIterator()).isNull();
        assertThat(parentEnd.childShards()).extracting(ChildShard::shardId).containsExactly("shardId-000000000002", "shardId-000000000003");

        // 4 -> 3: the boundaries at 1/3 and 2/3 split two shards, then each third merges its two pieces.
        kinesis.updateShardCount(b -> b.streamName("uniform").targetShardCount(3).scalingType("UNIFORM_SCALING"));
        clock.advance(Duration.ofMillis(1100));
        List<Shard> thirds = openShards("uniform");
        assertThat(thirds).extracting(Shard::shardId).containsExactly("shardId-000000000010", "shardId-000000000011",
                "shardId-000000000012");
        assertEvenLayout(thirds);
        assertThat(thirds.get(0).parentShardId()).isEqualTo("shardId-000000000002");
        assertThat(thirds.get(0).adjacentParentShardId()).isEqualTo("shardId-000000000006");
        assertThat(thirds.get(1).parentShardId()).isEqualTo("shardId-000000000007");
        assertThat(thirds.get(1).adjacentParentShardId()).isEqualTo("shardId-000000000008");
        List<Shard> all = kinesis.listShards(b -> b.streamName("uniform")).shards();
        assertThat(all).hasSize(13);

        // A short-lived piece: closed at once, empty, and its end leads on to the merged shard.
        GetRecordsResponse shortLived = read(iterator("uniform", "shardId-000000000006", ShardIteratorType.TRIM_HORIZON));
        assertThat(shortLived.records()).isEmpty();
        assertThat(shortLived.nextShardIterator()).isNull();
        assertThat(shortLived.childShards()).singleElement().satisfies(child -> {
            assertThat(child.shardId()).isEqualTo("shardId-000000000010");
            assertThat(child.parentShards()).containsExactly("shardId-000000000002", "shardId-000000000006");
        });
        assertThat(kinesis.putRecord(b -> b.streamName("uniform").partitionKey("k").explicitHashKey("0").data(bytes("after")))
                .shardId()).isEqualTo("shardId-000000000010");

        assertThatThrownBy(() -> kinesis.updateShardCount(b -> b.streamName("uniform").targetShardCount(7).scalingType("UNIFORM_SCALING")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("more than double");
        assertThatThrownBy(() -> kinesis.updateShardCount(b -> b.streamName("uniform").targetShardCount(1).scalingType("UNIFORM_SCALING")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("below half");
    }

    List<Shard> openShards(String stream) {
        return kinesis.listShards(b -> b.streamName(stream).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards();
    }

    /** The shards cover the key space in equal parts, in order, as CreateStream lays them out. */
    static void assertEvenLayout(List<Shard> shards) {
        BigInteger step = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(shards.size()));
        for (int i = 0; i < shards.size(); i++) {
            BigInteger end = i == shards.size() - 1 ? BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE)
                    : step.multiply(BigInteger.valueOf(i + 1)).subtract(BigInteger.ONE);
            assertThat(shards.get(i).hashKeyRange().startingHashKey()).isEqualTo(step.multiply(BigInteger.valueOf(i)).toString());
            assertThat(shards.get(i).hashKeyRange().endingHashKey()).isEqualTo(end.toString());
        }
    }

    // ---------------------------------------------------------------- throttling

    @Test
    void throttlingFailsSingleEntriesAndReads() {
        create("throttled", 1);
        clock.advance(Duration.ofSeconds(1));
        byte[] small = new byte[10];
        List<PutRecordsRequestEntry> batch = IntStream.range(0, 500)
                .mapToObj(i -> PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromByteArray(small)).build()).toList();
        assertThat(kinesis.putRecords(b -> b.streamName("throttled").records(batch)).failedRecordCount()).isZero();
        assertThat(kinesis.putRecords(b -> b.streamName("throttled").records(batch)).failedRecordCount()).isZero();
        PutRecordsResponse third = kinesis.putRecords(b -> b.streamName("throttled").records(batch.subList(0, 3)));
        assertThat(third.failedRecordCount()).isEqualTo(3);
        assertThat(third.records().get(0).errorCode()).isEqualTo("ProvisionedThroughputExceededException");
        assertThat(third.records().get(0).errorMessage())
                .isEqualTo("Rate exceeded for shard shardId-000000000000 in stream throttled under account 000000000000.");
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("throttled").partitionKey("k").data(bytes("x"))))
                .isInstanceOf(ProvisionedThroughputExceededException.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(kinesis.putRecord(b -> b.streamName("throttled").partitionKey("k").data(bytes("x"))).sequenceNumber()).isNotNull();

        clock.advance(Duration.ofSeconds(1));
        String iterator = iterator("throttled", "shardId-000000000000", ShardIteratorType.LATEST);
        for (int i = 0; i < 5; i++) {
            String current = iterator;
            iterator = kinesis.getRecords(b -> b.shardIterator(current)).nextShardIterator();
        }
        String last = iterator;
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator(last)))
                .isInstanceOf(ProvisionedThroughputExceededException.class);

        // a one-mebibyte-per-second write limit too
        clock.advance(Duration.ofSeconds(1));
        byte[] half = new byte[512 * 1024];
        kinesis.putRecord(b -> b.streamName("throttled").partitionKey("k").data(SdkBytes.fromByteArray(half)));
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("throttled").partitionKey("k").data(SdkBytes.fromByteArray(half))))
                .isInstanceOf(ProvisionedThroughputExceededException.class);
    }
}

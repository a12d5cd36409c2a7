package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import memberstream.MutableClock;
import memberstream.engine.EngineProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.EncryptionType;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * What AWS refuses, refused; answers shaped as AWS's: the engine against the Kinesis API reference
 * (and AWS's own wording where it was seen), through the real SDK v2 client over HTTP. Run over CBOR
 * (the SDK's default) and JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KinesisFidelityTest {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    MutableClock clock;
    LocalKinesis engine;
    KinesisClient kinesis;

    abstract boolean json();

    @BeforeAll
    void start() {
        Path directory = Path.of("target/test-data/kinesis-fidelity-" + (json() ? "json" : "cbor"));
        org.springframework.util.FileSystemUtils.deleteRecursively(directory.toFile());
        clock = new MutableClock(START);
        engine = new LocalKinesis(directory, EngineProperties.defaults().withPort(0).withStatusDelay(Duration.ofSeconds(1)), clock);
        kinesis = engine.client(json());
    }

    @AfterAll
    void stop() {
        engine.close();
    }

    void create(String name, int shards) {
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        clock.advance(Duration.ofMillis(1100));
    }

    static SdkBytes bytes(String text) {
        return SdkBytes.fromString(text, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- tags

    @Test
    void tagsWithCharactersKinesisDoesNotAllowAreRefusedAndNothingIsStored() {
        create("tag-characters", 1);
        for (String bad : List.of("a;b", "a,b", "tab\there", "new\nline", "semi;", "<b>")) {
            assertThatThrownBy(() -> kinesis.addTagsToStream(b -> b.streamName("tag-characters").tags(Map.of("k", bad))))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("Some tags contain invalid characters");
            assertThatThrownBy(() -> kinesis.addTagsToStream(b -> b.streamName("tag-characters").tags(Map.of(bad, "v"))))
                    .isInstanceOf(InvalidArgumentException.class);
        }
        assertThatThrownBy(() -> kinesis.addTagsToStream(b -> b.streamName("tag-characters").tags(Map.of("share", "50%"))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Failed to add tags to stream tag-characters under account 000000000000 because "
                        + "some tags contained illegal characters");
        assertThat(kinesis.listTagsForStream(b -> b.streamName("tag-characters")).tags()).isEmpty();

        // letters of any script, digits, spaces and _ . / = + - @ : are fine
        kinesis.addTagsToStream(b -> b.streamName("tag-characters")
                .tags(Map.of("owner:mail", "grace@example.org", "Grüße 1", "a_b.c/d=e+f-g")));
        assertThat(kinesis.listTagsForStream(b -> b.streamName("tag-characters")).tags()).hasSize(2);

        assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName("tag-characters-2").shardCount(1)
                .tags(Map.of("team", "a,b"))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> kinesis.describeStreamSummary(b -> b.streamName("tag-characters-2")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aStreamHoldsAtMostFiftyTagsWhetherAddedOrGivenAtCreation() {
        Map<String, String> fifty = tags(50);
        kinesis.createStream(b -> b.streamName("fifty-tags").shardCount(1).tags(fifty));
        clock.advance(Duration.ofMillis(1100));
        assertThat(kinesis.listTagsForStream(b -> b.streamName("fifty-tags")).tags()).hasSize(50);
        assertThatThrownBy(() -> kinesis.addTagsToStream(b -> b.streamName("fifty-tags").tags(Map.of("one-more", "x"))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("cannot have more than 50 tags");
        // replacing a value is no new tag
        kinesis.addTagsToStream(b -> b.streamName("fifty-tags").tags(Map.of("key-0", "changed")));

        assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName("fifty-one-tags").shardCount(1).tags(tags(51))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("cannot have more than 50 tags");
        assertThatThrownBy(() -> kinesis.describeStreamSummary(b -> b.streamName("fifty-one-tags")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void tagResourceUntagResourceAndListTagsForResourceWorkOnAStreamArnByTheSameRules() {
        create("by-arn", 1);
        String arn = kinesis.describeStreamSummary(b -> b.streamName("by-arn")).streamDescriptionSummary().streamARN();
        kinesis.tagResource(b -> b.resourceARN(arn).tags(Map.of("team", "members", "env", "test")));
        assertThat(kinesis.listTagsForResource(b -> b.resourceARN(arn)).tags())
                .extracting(t -> t.key() + "=" + t.value()).containsExactly("env=test", "team=members");
        assertThat(kinesis.listTagsForStream(b -> b.streamName("by-arn")).tags()).hasSize(2);
        kinesis.untagResource(b -> b.resourceARN(arn).tagKeys("env"));
        assertThat(kinesis.listTagsForResource(b -> b.resourceARN(arn)).tags())
                .extracting(t -> t.key()).containsExactly("team");

        assertThatThrownBy(() -> kinesis.tagResource(b -> b.resourceARN(arn).tags(Map.of("bad", "a;b"))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> kinesis.tagResource(b -> b.resourceARN(arn).tags(tags(50))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("cannot have more than 50 tags");
        assertThatThrownBy(() -> kinesis.listTagsForResource(b -> b.resourceARN(arn.replace("by-arn", "nowhere"))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> kinesis.listTagsForResource(b -> b.resourceARN("arn:aws:s3:::bucket")))
                .hasMessageContaining("at 'resourceARN' failed to satisfy constraint");
        String longArn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + "a".repeat(3000);
        assertThatThrownBy(() -> kinesis.listTagsForResource(b -> b.resourceARN(longArn)))
                .hasMessageContaining("Member must have length less than or equal to 2048");
    }

    private static Map<String, String> tags(int count) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            tags.put("key-" + i, "value " + i);
        }
        return tags;
    }

    // ---------------------------------------------------------------- records

    @Test
    void sequenceNumberForOrderingMustBeOneGivenOutAndTheNextRecordLandsAfterIt() {
        create("ordering", 2);
        PutRecordResponse first = kinesis.putRecord(b -> b.streamName("ordering").partitionKey("k").data(bytes("1")));
        // another key (maybe another shard) in between, then the ordered put
        kinesis.putRecord(b -> b.streamName("ordering").partitionKey("other").data(bytes("x")));
        PutRecordResponse second = kinesis.putRecord(b -> b.streamName("ordering").partitionKey("k").data(bytes("2"))
                .sequenceNumberForOrdering(first.sequenceNumber()));
        assertThat(new BigInteger(second.sequenceNumber())).isGreaterThan(new BigInteger(first.sequenceNumber()));

        for (String invalid : List.of("0", "1", "12345678901234567890", first.sequenceNumber().replaceFirst("^49", "50"))) {
            assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("ordering").partitionKey("k").data(bytes("3"))
                    .sequenceNumberForOrdering(invalid)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("ExclusiveMinimumSequenceNumber " + invalid + " used in PutRecord on stream ordering "
                            + "under account 000000000000 is invalid.");
        }
        // one not given out yet (a later position than any stored record)
        String future = new SequenceNumber(SequenceNumber.parse(second.sequenceNumber()).position() + 1000,
                SequenceNumber.parse(second.sequenceNumber()).shardUid()).format();
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("ordering").partitionKey("k").data(bytes("3"))
                .sequenceNumberForOrdering(future)))
                .isInstanceOf(InvalidArgumentException.class);
        // not a decimal at all: the model's pattern
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("ordering").partitionKey("k").data(bytes("3"))
                .sequenceNumberForOrdering("01")))
                .hasMessageContaining("Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})");
    }

    @Test
    void putRecordAndPutRecordsAnswerWithTheEncryptionType() {
        create("encryption-type", 1);
        assertThat(kinesis.putRecord(b -> b.streamName("encryption-type").partitionKey("k").data(bytes("x"))).encryptionType())
                .isEqualTo(EncryptionType.NONE);
        assertThat(kinesis.putRecords(b -> b.streamName("encryption-type")
                .records(PutRecordsRequestEntry.builder().partitionKey("k").data(bytes("y")).build())).encryptionType())
                .isEqualTo(EncryptionType.NONE);
        // with an explicit hash key too
        assertThat(kinesis.putRecords(b -> b.streamName("encryption-type")
                .records(PutRecordsRequestEntry.builder().partitionKey("k").explicitHashKey("7").data(bytes("z")).build()))
                .encryptionType()).isEqualTo(EncryptionType.NONE);
    }

    @Test
    void atTimestampLaterThanNowIsRefused() {
        create("future", 1);
        Instant now = clock.instant();
        assertThatThrownBy(() -> kinesis.getShardIterator(b -> b.streamName("future").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(now.plusSeconds(60))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. "
                        + "timestampInMillis: " + now.plusSeconds(60).toEpochMilli()
                        + ", currentTimestampInMillis: " + now.toEpochMilli());
        assertThat(kinesis.getShardIterator(b -> b.streamName("future").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(now)).shardIterator()).isNotBlank();
    }

    @Test
    void getRecordsOnADeletedStreamNamesTheShard() {
        create("deleted-later", 2);
        String iterator = kinesis.getShardIterator(b -> b.streamName("deleted-later").shardId("shardId-000000000001")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        kinesis.deleteStream(b -> b.streamName("deleted-later"));
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator(iterator)))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Shard shardId-000000000001 in stream deleted-later under account 000000000000 does not exist");
        // and once the deletion is over and the stream forgotten
        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator(iterator)))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Shard shardId-000000000001 in stream deleted-later under account 000000000000 does not exist");
    }

    // ---------------------------------------------------------------- streams and shards

    @Test
    void aCreatingStreamListsNoShardsYetAndListShardsWaitsForIt() {
        kinesis.createStream(b -> b.streamName("creating").shardCount(3));
        StreamDescription creating = kinesis.describeStream(b -> b.streamName("creating")).streamDescription();
        assertThat(creating.streamStatus()).isEqualTo(StreamStatus.CREATING);
        assertThat(creating.shards()).isEmpty();
        assertThat(creating.hasMoreShards()).isFalse();
        assertThatThrownBy(() -> kinesis.listShards(b -> b.streamName("creating")))
                .isInstanceOf(software.amazon.awssdk.services.kinesis.model.ResourceInUseException.class)
                .hasMessageContaining("instead in state CREATING");
        clock.advance(Duration.ofMillis(1100));
        assertThat(kinesis.listShards(b -> b.streamName("creating")).shards()).hasSize(3);
        assertThat(kinesis.describeStream(b -> b.streamName("creating")).streamDescription().shards()).hasSize(3);
    }

    @Test
    void splitShardKeepsAtLeastTwoHashKeysInEachChild() {
        create("split-edges", 2);
        Shard parent = kinesis.listShards(b -> b.streamName("split-edges")).shards().get(0);
        BigInteger start = new BigInteger(parent.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(parent.hashKeyRange().endingHashKey());
        for (BigInteger edge : List.of(start, start.add(BigInteger.ONE), end, end.add(BigInteger.ONE))) {
            assertThatThrownBy(() -> kinesis.splitShard(b -> b.streamName("split-edges").shardToSplit(parent.shardId())
                    .newStartingHashKey(edge.toString())))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("NewStartingHashKey " + edge + " used in SplitShard() on shard " + parent.shardId()
                            + " in stream split-edges under account 000000000000 is not both greater than one plus the "
                            + "shard's StartingHashKey " + start + " and less than the shard's EndingHashKey " + end + ".");
        }
        // the nearest allowed keys: children of two hash keys each side
        kinesis.splitShard(b -> b.streamName("split-edges").shardToSplit(parent.shardId())
                .newStartingHashKey(start.add(BigInteger.TWO).toString()));
        clock.advance(Duration.ofMillis(1100));
        List<Shard> children = kinesis.listShards(b -> b.streamName("split-edges")).shards().stream()
                .filter(s -> parent.shardId().equals(s.parentShardId())).toList();
        assertThat(children).hasSize(2);
        assertThat(children.get(0).hashKeyRange().endingHashKey()).isEqualTo(start.add(BigInteger.ONE).toString());
        Shard high = children.get(1);
        kinesis.splitShard(b -> b.streamName("split-edges").shardToSplit(high.shardId())
                .newStartingHashKey(end.subtract(BigInteger.ONE).toString()));
        clock.advance(Duration.ofMillis(1100));
        assertThat(kinesis.listShards(b -> b.streamName("split-edges")).shards())
                .filteredOn(s -> high.shardId().equals(s.parentShardId()))
                .extracting(s -> s.hashKeyRange().startingHashKey())
                .contains(end.subtract(BigInteger.ONE).toString());
    }

    // ---------------------------------------------------------------- empty answers

    @Test
    void operationsWithoutOutputAnswerAnEmptyBodyThatTheSdkAccepts() {
        List<Answer> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        KinesisClient recording = engine.client(json(), new ExecutionInterceptor() {
            @Override
            public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                                   ExecutionAttributes attributes) {
                byte[] body = context.responseBody().map(in -> {
                    try {
                        return in.readAllBytes();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).orElse(new byte[0]);
                answers.add(new Answer(context.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("?"),
                        context.httpResponse().statusCode(), body));
                return Optional.of(new ByteArrayInputStream(body));
            }
        });
        recording.createStream(b -> b.streamName("no-output").shardCount(2));
        clock.advance(Duration.ofMillis(1100));
        recording.addTagsToStream(b -> b.streamName("no-output").tags(Map.of("a", "1")));
        recording.removeTagsFromStream(b -> b.streamName("no-output").tagKeys("a"));
        recording.increaseStreamRetentionPeriod(b -> b.streamName("no-output").retentionPeriodHours(48));
        recording.decreaseStreamRetentionPeriod(b -> b.streamName("no-output").retentionPeriodHours(24));
        recording.splitShard(b -> b.streamName("no-output").shardToSplit("shardId-000000000000").newStartingHashKey("1000"));
        clock.advance(Duration.ofMillis(1100));
        recording.mergeShards(b -> b.streamName("no-output").shardToMerge("shardId-000000000002")
                .adjacentShardToMerge("shardId-000000000003"));
        clock.advance(Duration.ofMillis(1100));
        recording.deleteStream(b -> b.streamName("no-output"));

        assertThat(answers).hasSize(8).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.target()).isEqualTo(200);
            assertThat(answer.body()).as(answer.target()).isEmpty();
        });
        // an operation with an output still has its body
        recording.describeLimits();
        assertThat(answers.get(answers.size() - 1).body()).isNotEmpty();
    }

    @Test
    void theAsyncClientAcceptsTheEmptyBodiesToo() throws Exception {
        String previous = System.getProperty("aws.cborEnabled");
        if (json()) {
            System.setProperty("aws.cborEnabled", "false");
        }
        try (KinesisAsyncClient async = KinesisAsyncClient.builder()
                .endpointOverride(java.net.URI.create("http://127.0.0.1:" + engine.server.port()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test")))
                .httpClient(software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient.create())
                .build()) {
            async.createStream(b -> b.streamName("async-no-output").shardCount(1)).get(10, java.util.concurrent.TimeUnit.SECONDS);
            clock.advance(Duration.ofMillis(1100));
            async.addTagsToStream(b -> b.streamName("async-no-output").tags(Map.of("a", "1")))
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            async.deleteStream(b -> b.streamName("async-no-output")).get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            if (previous == null) {
                System.clearProperty("aws.cborEnabled");
            } else {
                System.setProperty("aws.cborEnabled", previous);
            }
        }
        assertThat(kinesis.describeStreamSummary(b -> b.streamName("async-no-output")).streamDescriptionSummary()
                .streamStatus()).isEqualTo(StreamStatus.DELETING);
    }

    record Answer(String target, int status, byte[] body) {
    }
}

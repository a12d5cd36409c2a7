package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.MutableClock;
import memberstream.engine.EngineProperties;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import memberstream.engine.protocol.EventStreamEncoding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * SubscribeToShard at the service: the event stream it writes, read back into an in-memory sink by
 * the SDK's event stream decoder. Every starting position, continuation, the takeover rule, the
 * five-minute end, the end of a closed shard, CBOR, and records pushed when they become durable.
 */
class SubscribeToShardTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    MutableClock clock = new MutableClock(Instant.parse("2026-07-08T09:10:11Z"));
    LocalKinesis engine;
    KinesisClient kinesis;
    String consumerArn;

    @BeforeEach
    void start() {
        engine = new LocalKinesis(directory, EngineProperties.defaults().withPort(0).withStatusDelay(Duration.ZERO), clock);
        kinesis = engine.client(false);
        kinesis.createStream(b -> b.streamName("members").shardCount(1));
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().streamARN();
        consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("tail")).consumer().consumerARN();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    String put(String text) {
        return kinesis.putRecord(b -> b.streamName("members").partitionKey("k").data(SdkBytes.fromUtf8String(text)))
                .sequenceNumber();
    }

    EngineResponse subscribe(String shardId, String startingPosition) {
        return subscribe(shardId, startingPosition, false);
    }

    EngineResponse subscribe(String shardId, String startingPosition, boolean cbor) {
        String json = "{\"ConsumerARN\":\"" + consumerArn + "\",\"ShardId\":\"" + shardId + "\",\"StartingPosition\":"
                + startingPosition + "}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        if (cbor) {
            try {
                body = new ObjectMapper(new CBORFactory()).writeValueAsBytes(JSON.readTree(json));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amz-target", "Kinesis_20131202.SubscribeToShard");
        headers.put("content-type", cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1");
        return engine.service.handle(new EngineRequest("POST", "/", null, headers, body));
    }

    RecordingSink open(EngineResponse response) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.streamed()).isTrue();
        assertThat(response.headers()).containsEntry("Content-Type", EventStreamEncoding.CONTENT_TYPE);
        RecordingSink sink = new RecordingSink();
        response.stream().open(sink);
        return sink;
    }

    static List<String> texts(List<JsonNode> records) {
        return records.stream().map(r -> new String(Base64.getDecoder().decode(r.path("Data").asText()), StandardCharsets.UTF_8))
                .toList();
    }

    static String errorType(EngineResponse response) {
        try {
            return JSON.readTree(response.body()).path("__type").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void trimHorizonSendsTheStoredRecordsThenPushesNewOnesAsTheyArrive() {
        put("one");
        put("two");
        RecordingSink sink = open(subscribe("shardId-000000000000", "{\"Type\":\"TRIM_HORIZON\"}"));

        sink.await("the stored records", s -> s.records().size() == 2);
        assertThat(RecordingSink.header(sink.messages().get(0), ":event-type")).isEqualTo("initial-response");
        put("three");
        sink.await("the pushed record", s -> s.records().size() == 3);

        assertThat(texts(sink.records())).containsExactly("one", "two", "three");
        JsonNode last = sink.events().get(sink.events().size() - 1);
        assertThat(last.path("ContinuationSequenceNumber").asText())
                .isEqualTo(sink.records().get(2).path("SequenceNumber").asText());
        assertThat(last.path("MillisBehindLatest").asLong()).isZero();
        assertThat(sink.records().get(0).path("PartitionKey").asText()).isEqualTo("k");
    }

    @Test
    void latestAtSequenceNumberAfterSequenceNumberAndAtTimestampStartWhereGetShardIteratorWould() {
        String first = put("one");
        clock.advance(Duration.ofSeconds(10));
        Instant second = clock.instant();
        String secondSequence = put("two");

        RecordingSink latest = open(subscribe("shardId-000000000000", "{\"Type\":\"LATEST\"}"));
        latest.await("the first event", s -> !s.events().isEmpty());
        put("three");
        latest.await("the new record", s -> s.records().size() == 1);
        assertThat(texts(latest.records())).containsExactly("three");

        clock.advance(Duration.ofSeconds(6));
        RecordingSink at = open(subscribe("shardId-000000000000",
                "{\"Type\":\"AT_SEQUENCE_NUMBER\",\"SequenceNumber\":\"" + secondSequence + "\"}"));
        at.await("records", s -> s.records().size() == 2);
        assertThat(texts(at.records())).containsExactly("two", "three");

        clock.advance(Duration.ofSeconds(6));
        RecordingSink after = open(subscribe("shardId-000000000000",
                "{\"Type\":\"AFTER_SEQUENCE_NUMBER\",\"SequenceNumber\":\"" + first + "\"}"));
        after.await("records", s -> s.records().size() == 2);
        assertThat(texts(after.records())).containsExactly("two", "three");

        clock.advance(Duration.ofSeconds(6));
        RecordingSink byTime = open(subscribe("shardId-000000000000",
                "{\"Type\":\"AT_TIMESTAMP\",\"Timestamp\":" + second.getEpochSecond() + "}"));
        byTime.await("records", s -> s.records().size() == 2);
        assertThat(texts(byTime.records())).containsExactly("two", "three");
    }

    @Test
    void aSecondSubscriptionWithinFiveSecondsIsRefusedAndLaterTakesOverFromTheContinuation() {
        put("one");
        RecordingSink firstSink = open(subscribe("shardId-000000000000", "{\"Type\":\"TRIM_HORIZON\"}"));
        firstSink.await("one record", s -> s.records().size() == 1);

        clock.advance(Duration.ofSeconds(4));
        EngineResponse refused = subscribe("shardId-000000000000", "{\"Type\":\"TRIM_HORIZON\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(errorType(refused)).isEqualTo("ResourceInUseException");

        put("two");
        firstSink.await("two records", s -> s.records().size() == 2);
        String continuation = firstSink.events().get(firstSink.events().size() - 1).path("ContinuationSequenceNumber").asText();
        clock.advance(Duration.ofSeconds(2));
        RecordingSink second = open(subscribe("shardId-000000000000",
                "{\"Type\":\"AFTER_SEQUENCE_NUMBER\",\"SequenceNumber\":\"" + continuation + "\"}"));

        assertThat(firstSink.ended()).isTrue();
        assertThat(RecordingSink.header(firstSink.messages().get(firstSink.messages().size() - 1), ":exception-type"))
                .isEqualTo("ResourceInUseException");
        put("three");
        second.await("the next record only", s -> s.records().size() == 1);
        assertThat(texts(second.records())).containsExactly("three");
    }

    @Test
    void aContinuationBeforeAnyRecordResumesAtTheFirstRecord() {
        RecordingSink first = open(subscribe("shardId-000000000000", "{\"Type\":\"TRIM_HORIZON\"}"));
        first.await("an empty event", s -> !s.events().isEmpty());
        String continuation = first.events().get(0).path("ContinuationSequenceNumber").asText();
        first.clientGone();
        put("first ever");

        RecordingSink again = open(subscribe("shardId-000000000000",
                "{\"Type\":\"AFTER_SEQUENCE_NUMBER\",\"SequenceNumber\":\"" + continuation + "\"}"));
        again.await("the record", s -> s.records().size() == 1);
        assertThat(texts(again.records())).containsExactly("first ever");
    }

    @Test
    void theSubscriptionEndsAfterFiveMinutesOnTheEnginesClock() {
        RecordingSink sink = open(subscribe("shardId-000000000000", "{\"Type\":\"LATEST\"}"));
        sink.await("the first event", s -> !s.events().isEmpty());
        clock.advance(Duration.ofMinutes(5));
        put("late");

        sink.await("the end", RecordingSink::ended);
        assertThat(sink.records()).isEmpty();
    }

    @Test
    void theEndOfAClosedShardNamesItsChildrenAndEndsTheStream() {
        put("before split");
        kinesis.splitShard(b -> b.streamName("members").shardToSplit("shardId-000000000000")
                .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString()));

        RecordingSink sink = open(subscribe("shardId-000000000000", "{\"Type\":\"TRIM_HORIZON\"}"));

        sink.await("the end", RecordingSink::ended);
        assertThat(texts(sink.records())).containsExactly("before split");
        JsonNode last = sink.events().get(sink.events().size() - 1);
        assertThat(last.has("ContinuationSequenceNumber")).isFalse();
        assertThat(last.path("ChildShards").size()).isEqualTo(2);
        assertThat(last.path("ChildShards").get(0).path("ParentShards").get(0).asText()).isEqualTo("shardId-000000000000");
    }

    @Test
    void aCborRequestGetsCborEvents() throws Exception {
        put("binary");
        RecordingSink sink = open(subscribe("shardId-000000000000", "{\"Type\":\"TRIM_HORIZON\"}", true));

        sink.await("the record", s -> s.records().size() == 1);
        assertThat(RecordingSink.header(sink.messages().get(1), ":content-type")).isEqualTo("application/x-amz-cbor-1.1");
        assertThat(new String(sink.records().get(0).path("Data").binaryValue(), StandardCharsets.UTF_8)).isEqualTo("binary");
    }

    @Test
    void deregisteringTheConsumerEndsItsSubscriptionsWithAnException() {
        RecordingSink sink = open(subscribe("shardId-000000000000", "{\"Type\":\"LATEST\"}"));
        sink.await("the first event", s -> !s.events().isEmpty());

        kinesis.deregisterStreamConsumer(b -> b.consumerARN(consumerArn));

        assertThat(sink.ended()).isTrue();
        assertThat(RecordingSink.header(sink.messages().get(sink.messages().size() - 1), ":exception-type"))
                .isEqualTo("ResourceNotFoundException");
    }

    @Test
    void mistakesAreOrdinaryErrorAnswersBeforeAnyStream() {
        EngineResponse noShard = subscribe("shardId-000000000009", "{\"Type\":\"LATEST\"}");
        assertThat(noShard.status()).isEqualTo(400);
        assertThat(errorType(noShard)).isEqualTo("ResourceNotFoundException");
        assertThat(noShard.streamed()).isFalse();

        EngineResponse noSequence = subscribe("shardId-000000000000", "{\"Type\":\"AT_SEQUENCE_NUMBER\"}");
        assertThat(errorType(noSequence)).isEqualTo("InvalidArgumentException");

        EngineResponse badType = subscribe("shardId-000000000000", "{\"Type\":\"SOMETIME\"}");
        assertThat(badType.status()).isEqualTo(400);
    }

    @Test
    void aSlowClientIsNotSentMoreUntilItCatchesUp() {
        RecordingSink sink = open(subscribe("shardId-000000000000", "{\"Type\":\"LATEST\"}"));
        sink.await("the first event", s -> !s.events().isEmpty());
        sink.writable = false;
        put("held");
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(sink.records()).isEmpty();

        sink.writable = true;
        sink.await("the held record", s -> s.records().size() == 1);
    }

    @Test
    void aClientThatNeverReadsIsSentNothingAndReleasedAtTheEndOfItsFiveMinutes() {
        RecordingSink sink = open(subscribe("shardId-000000000000", "{\"Type\":\"LATEST\"}"));
        sink.await("the first event", s -> !s.events().isEmpty());
        sink.writable = false; // its window is full and stays full
        int eventsBefore = sink.events().size();
        put("never read");
        clock.advance(Duration.ofMillis(ShardSubscriptions.LIFETIME_MILLIS));
        engine.service.subscriptions().heartbeat();

        sink.await("the end of the subscription", RecordingSink::ended);
        assertThat(sink.events()).hasSize(eventsBefore);
        assertThat(engine.service.subscriptions().openCount()).isZero();
    }

    @Test
    void aSubscriptionWhoseStreamIsNeverOpenedIsReleased() {
        EngineResponse neverOpened = subscribe("shardId-000000000000", "{\"Type\":\"LATEST\"}");
        assertThat(neverOpened.streamed()).isTrue();
        ShardSubscriptions subscriptions = engine.service.subscriptions();
        Shard shard = engine.service.subscriptions().store().locked(() -> engine.service.subscriptions().store()
                .find("members").shards.get(0));
        assertThat(subscriptions.openCount()).isEqualTo(1);
        assertThat(shard.durableListeners).isNotEmpty(); // the shared batches' listener, for this subscription

        clock.advance(Duration.ofMillis(ShardSubscriptions.OPEN_WITHIN_MILLIS - 1));
        subscriptions.heartbeat();
        assertThat(subscriptions.openCount()).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        subscriptions.heartbeat();
        assertThat(subscriptions.openCount()).isZero();
        assertThat(subscriptions.open()).isEmpty();
        assertThat(shard.durableListeners).isEmpty();

        RecordingSink late = new RecordingSink();
        neverOpened.stream().open(late); // the server opening it after all: the stream ends at once
        assertThat(late.ended()).isTrue();
        assertThat(late.messages()).isEmpty();

        // and the consumer may subscribe to the shard again at once (no "another active subscription")
        RecordingSink again = open(subscribe("shardId-000000000000", "{\"Type\":\"LATEST\"}"));
        again.await("the first event", s -> !s.events().isEmpty());
        assertThat(subscriptions.openCount()).isEqualTo(1);
    }

    @Test
    void consumersAtTheSamePositionShareOneReadEachWithItsOwnContinuation() {
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().streamARN();
        List<RecordingSink> sinks = new java.util.ArrayList<>();
        sinks.add(open(subscribe("shardId-000000000000", "{\"Type\":\"LATEST\"}")));
        for (int i = 1; i < 5; i++) {
            String name = "tail-" + i;
            consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)).consumer().consumerARN();
            sinks.add(open(subscribe("shardId-000000000000", "{\"Type\":\"LATEST\"}")));
        }
        for (RecordingSink sink : sinks) {
            sink.await("the first event", s -> !s.events().isEmpty());
        }
        long readBefore = engine.service.subscriptions().batchesRead();

        List<software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            entries.add(software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry.builder().partitionKey("k")
                    .data(SdkBytes.fromUtf8String("shared-" + i)).build());
        }
        kinesis.putRecords(b -> b.streamName("members").records(entries));
        for (RecordingSink sink : sinks) {
            sink.await("the hundred records", s -> s.records().size() == 100);
        }

        // Five subscriptions woken by the same records: one read and encoding, not five (a heartbeat may add a shared empty one).
        assertThat(engine.service.subscriptions().batchesRead() - readBefore).isLessThan(sinks.size());
        for (RecordingSink sink : sinks) {
            assertThat(texts(sink.records())).hasSize(100).startsWith("shared-0").endsWith("shared-99");
            JsonNode last = sink.events().get(sink.events().size() - 1);
            assertThat(last.path("ContinuationSequenceNumber").asText())
                    .isEqualTo(sink.records().get(99).path("SequenceNumber").asText());
            assertThat(last.path("MillisBehindLatest").asLong()).isZero();
        }

        // A subscription elsewhere in the shard reads for itself and continues from its own position.
        consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("from-the-start")).consumer()
                .consumerARN();
        RecordingSink behind = open(subscribe("shardId-000000000000", "{\"Type\":\"TRIM_HORIZON\"}"));
        behind.await("the records from the start", s -> s.records().size() == 100);
        assertThat(texts(behind.records())).startsWith("shared-0");
    }
}

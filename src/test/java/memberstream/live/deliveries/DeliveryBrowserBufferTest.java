package memberstream.live.deliveries;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import memberstream.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The delivery browser's buffer read, the console's own code, against the engine over HTTP (timed by
 * the engine's test clock), and against an answer without the engine's headers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryBrowserBufferTest {

    TestEngine engine;
    FirehoseClient firehose;
    S3Client s3;
    DeliveryBrowser browser;

    @BeforeAll
    void start() {
        engine = new TestEngine("delivery-browser-buffer");
        firehose = engine.firehoseClient();
        s3 = engine.s3Client();
        browser = new DeliveryBrowser(() -> firehose, () -> s3);
        s3.createBucket(b -> b.bucket("buffered"));
    }

    @AfterAll
    void stop() {
        firehose.close();
        s3.close();
        engine.close();
    }

    @Test
    void readsRecordsBytesAndTheTimeLeftFromTheEngineAndZeroAfterTheFlush() {
        firehose.createDeliveryStream(b -> b.deliveryStreamName("long-wait").extendedS3DestinationConfiguration(d -> d
                .roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::buffered")
                .prefix("long-wait/").bufferingHints(h -> h.sizeInMBs(5).intervalInSeconds(600))));
        Instant arrival = engine.clock.instant();
        firehose.putRecordBatch(b -> b.deliveryStreamName("long-wait").records(List.of(
                record("x".repeat(1000)), record("y".repeat(372)))));
        engine.clock.advance(Duration.ofSeconds(41));

        DeliveryBrowser.BufferState held = browser.buffered("long-wait");
        assertThat(held.reported()).isTrue();
        assertThat(held.records()).isEqualTo(2);
        assertThat(held.bytes()).isEqualTo(1372);
        assertThat(held.partitions()).isEqualTo(1);
        assertThat(held.retryingRecords()).isZero();
        assertThat(held.oldestArrival()).isEqualTo(arrival);
        assertThat(held.untilIntervalFlush()).isEqualTo(Duration.ofSeconds(559));
        assertThat(held.at()).isEqualTo(engine.clock.instant());

        engine.clock.advance(Duration.ofSeconds(559));
        engine.firehose.flushDue();
        DeliveryBrowser.BufferState flushed = browser.buffered("long-wait");
        assertThat(flushed.reported()).isTrue();
        assertThat(flushed.records()).isZero();
        assertThat(flushed.bytes()).isZero();
        assertThat(flushed.oldestArrival()).isNull();
        assertThat(flushed.untilIntervalFlush()).isNull();
        assertThat(s3.listObjectsV2(b -> b.bucket("buffered").prefix("long-wait/")).contents()).hasSize(1);
    }

    @Test
    void anUnknownStreamIsNotReportedWithTheReasonAndNoException() {
        DeliveryBrowser.BufferState state = browser.buffered("no-such-stream");
        assertThat(state.reported()).isFalse();
        assertThat(state.endpointDoesNotReport()).isFalse(); // worth asking again later
        assertThat(state.notReported()).isEqualTo("The delivery stream no-such-stream no longer exists.");
    }

    @Test
    void anAnswerWithoutTheEnginesHeadersIsAnEndpointThatDoesNotReport() {
        SdkHttpResponse awsLike = SdkHttpResponse.builder().statusCode(200)
                .putHeader("x-amzn-RequestId", "4c0b4a2e-0000-0000-0000-000000000000").build();
        DeliveryBrowser.BufferState state = DeliveryBrowser.BufferState.fromHeaders(awsLike);
        assertThat(state.reported()).isFalse();
        assertThat(state.endpointDoesNotReport()).isTrue();
        assertThat(state.records()).isNull();
        assertThat(state.notReported()).startsWith("This endpoint doesn't report its buffer");
    }

    @Test
    void unreadableHeadersAreNotReportedRatherThanGuessed() {
        SdkHttpResponse garbled = SdkHttpResponse.builder().statusCode(200)
                .putHeader("x-memberstream-buffered-records", "twelve").build();
        DeliveryBrowser.BufferState state = DeliveryBrowser.BufferState.fromHeaders(garbled);
        assertThat(state.reported()).isFalse();
        assertThat(state.notReported()).startsWith("This endpoint's buffer report is unreadable");
    }

    private static Record record(String data) {
        return Record.builder().data(SdkBytes.fromUtf8String(data)).build();
    }
}

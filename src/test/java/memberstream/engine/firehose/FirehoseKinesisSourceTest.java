package memberstream.engine.firehose;

import static memberstream.engine.firehose.FirehoseTestSupport.keys;
import static memberstream.engine.firehose.FirehoseTestSupport.object;
import static memberstream.engine.firehose.FirehoseTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import memberstream.engine.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/** KinesisStreamAsSource: Firehose reads the engine's Kinesis stream from where it left off, across restarts. */
class FirehoseKinesisSourceTest {

    TestEngine engine;
    FirehoseClient firehose;
    KinesisClient kinesis;
    S3Client s3;

    @BeforeEach
    void start() {
        engine = new TestEngine("firehose-kinesis-source", true);
        connect();
    }

    private void connect() {
        firehose = engine.firehoseClient();
        kinesis = engine.kinesisClient();
        s3 = engine.s3Client();
    }

    private void disconnect() {
        firehose.close();
        kinesis.close();
        s3.close();
    }

    @AfterEach
    void stop() {
        disconnect();
        engine.close();
    }

    private void putToKinesis(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            String data = "{\"event\":\"" + prefix + "-" + i + "\"}";
            kinesis.putRecord(b -> b.streamName("members").partitionKey("key-" + data).data(SdkBytes.fromUtf8String(data)));
        }
    }

    private List<String> deliveredLines() {
        List<String> lines = new ArrayList<>();
        for (String key : keys(s3, "from-kinesis", "")) {
            lines.addAll(text(object(s3, "from-kinesis", key)).lines().toList());
        }
        lines.sort(Comparator.naturalOrder());
        return lines;
    }

    private void deliverEverythingDue() {
        engine.firehose.flushDue(); // reads Kinesis into the buffer
        engine.clock.advance(Duration.ofSeconds(60));
        engine.firehose.flushDue(); // the interval has passed: writes the object
    }

    @Test
    void deliversWhatArrivesAfterCreationAndResumesWhereItLeftOffAfterARestart() {
        kinesis.createStream(b -> b.streamName("members").shardCount(2));
        s3.createBucket(b -> b.bucket("from-kinesis"));
        putToKinesis("before", 3);
        engine.clock.advance(Duration.ofSeconds(1));

        String streamArn = kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().streamARN();
        firehose.createDeliveryStream(b -> b.deliveryStreamName("members-to-s3").deliveryStreamType("KinesisStreamAsSource")
                .kinesisStreamSourceConfiguration(k -> k.kinesisStreamARN(streamArn).roleARN(FirehoseTestSupport.ROLE))
                .extendedS3DestinationConfiguration(d -> d.roleARN(FirehoseTestSupport.ROLE).bucketARN("arn:aws:s3:::from-kinesis")
                        .bufferingHints(h -> h.intervalInSeconds(60))
                        .processingConfiguration(p -> p.enabled(true).processors(pr -> pr.type("AppendDelimiterToRecord")))));
        var source = firehose.describeDeliveryStream(b -> b.deliveryStreamName("members-to-s3")).deliveryStreamDescription()
                .source().kinesisStreamSourceDescription();
        assertThat(source.kinesisStreamARN()).isEqualTo(streamArn);
        assertThat(source.deliveryStartTimestamp()).isNotNull();

        assertThatThrownBy(() -> firehose.putRecord(b -> b.deliveryStreamName("members-to-s3")
                .record(r -> r.data(SdkBytes.fromUtf8String("direct")))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("This operation is not permitted on KinesisStreamAsSource delivery stream type.");

        engine.clock.advance(Duration.ofSeconds(1));
        putToKinesis("after", 20);
        deliverEverythingDue();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("{\"event\":\"after-" + i + "\"}");
        }
        expected.sort(Comparator.naturalOrder());
        assertThat(deliveredLines()).containsExactlyElementsOf(expected);

        // Buffered but not yet delivered when the engine stops: delivered after the restart, once.
        putToKinesis("buffered", 5);
        engine.firehose.flushDue();
        disconnect();
        engine.restart();
        connect();
        putToKinesis("restarted", 5);
        deliverEverythingDue();
        for (int i = 0; i < 5; i++) {
            expected.add("{\"event\":\"buffered-" + i + "\"}");
            expected.add("{\"event\":\"restarted-" + i + "\"}");
        }
        expected.sort(Comparator.naturalOrder());
        assertThat(deliveredLines()).containsExactlyElementsOf(expected);
    }

    @Test
    void aSourceStreamThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("orphan")
                .deliveryStreamType("KinesisStreamAsSource")
                .kinesisStreamSourceConfiguration(k -> k.kinesisStreamARN("arn:aws:kinesis:us-east-1:000000000000:stream/nope")
                        .roleARN(FirehoseTestSupport.ROLE))
                .extendedS3DestinationConfiguration(d -> d.roleARN(FirehoseTestSupport.ROLE).bucketARN("arn:aws:s3:::b"))))
                .isInstanceOf(InvalidArgumentException.class);
    }
}

package memberstream.engine.firehose;

import static memberstream.engine.firehose.FirehoseTestSupport.createStream;
import static memberstream.engine.firehose.FirehoseTestSupport.keys;
import static memberstream.engine.firehose.FirehoseTestSupport.object;
import static memberstream.engine.firehose.FirehoseTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import memberstream.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DescribeDeliveryStreamResponse;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The engine's buffer extension as an SDK client sees it: DescribeDeliveryStream's
 * {@code x-memberstream-buffered-*} headers, timed by the engine's clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirehoseBufferExtensionTest {

    TestEngine engine;
    FirehoseClient firehose;
    S3Client s3;

    @BeforeAll
    void start() {
        engine = new TestEngine("firehose-buffer-extension");
        firehose = engine.firehoseClient();
        s3 = engine.s3Client();
        s3.createBucket(b -> b.bucket("held"));
    }

    @AfterAll
    void stop() {
        firehose.close();
        s3.close();
        engine.close();
    }

    /** The extension's headers, names without the prefix; the body still parses as AWS's answer. */
    private Map<String, String> buffered(String stream) {
        DescribeDeliveryStreamResponse answer = firehose.describeDeliveryStream(b -> b.deliveryStreamName(stream));
        assertThat(answer.deliveryStreamDescription().deliveryStreamName()).isEqualTo(stream);
        Map<String, String> headers = new TreeMap<>();
        answer.sdkHttpResponse().headers().forEach((name, values) -> {
            if (name.toLowerCase().startsWith("x-memberstream-buffered-")) {
                headers.put(name.toLowerCase().substring("x-memberstream-buffered-".length()), values.get(0));
            }
        });
        return headers;
    }

    private void put(String stream, List<Record> records) {
        assertThat(firehose.putRecordBatch(b -> b.deliveryStreamName(stream).records(records)).failedPutCount()).isZero();
    }

    @Test
    void reportsWhatIsHeldAndTheTimeLeftUntilTheIntervalFlushThenNothingAfterIt() {
        createStream(firehose, "long-interval", "held", d -> d.prefix("long/")
                .bufferingHints(h -> h.sizeInMBs(5).intervalInSeconds(900)));
        assertThat(buffered("long-interval")).containsEntry("records", "0").containsEntry("bytes", "0")
                .containsEntry("partitions", "0").doesNotContainKeys("oldest-arrival", "interval-flush-in-ms");

        Instant first = engine.clock.instant();
        put("long-interval", records(12, 1000, "a"));
        assertThat(buffered("long-interval"))
                .containsEntry("records", "12")
                .containsEntry("bytes", "12000")
                .containsEntry("partitions", "1")
                .containsEntry("retrying-records", "0")
                .containsEntry("oldest-arrival", first.toString())
                .containsEntry("interval-flush-in-ms", "900000")
                .containsEntry("at", first.toString());

        engine.clock.advance(Duration.ofSeconds(300));
        put("long-interval", records(3, 500, "b"));
        engine.firehose.flushDue();
        assertThat(buffered("long-interval"))
                .containsEntry("records", "15")
                .containsEntry("bytes", "13500")
                .containsEntry("oldest-arrival", first.toString()) // the interval runs from the oldest record
                .containsEntry("interval-flush-in-ms", "600000");

        engine.clock.advance(Duration.ofMillis(599_999));
        engine.firehose.flushDue();
        assertThat(buffered("long-interval")).containsEntry("records", "15").containsEntry("interval-flush-in-ms", "1");
        assertThat(keys(s3, "held", "long/")).isEmpty();

        engine.clock.advance(Duration.ofMillis(1));
        assertThat(buffered("long-interval")).containsEntry("interval-flush-in-ms", "0"); // due, not yet written
        engine.firehose.flushDue();
        assertThat(buffered("long-interval")).containsEntry("records", "0").containsEntry("bytes", "0")
                .containsEntry("partitions", "0").doesNotContainKeys("oldest-arrival", "interval-flush-in-ms");
        List<String> written = keys(s3, "held", "long/");
        assertThat(written).hasSize(1);
        assertThat(object(s3, "held", written.get(0))).hasSize(13500); // uncompressed: what the buffer counted
    }

    @Test
    void withDynamicPartitioningReportsTotalsThePartitionsAndTheSoonestFlush() {
        firehose.createDeliveryStream(b -> b.deliveryStreamName("by-tenant").extendedS3DestinationConfiguration(d -> d
                .roleARN(FirehoseTestSupport.ROLE).bucketARN("arn:aws:s3:::held")
                .prefix("tenants/!{partitionKeyFromQuery:tenant}/").errorOutputPrefix("tenant-errors/")
                .bufferingHints(h -> h.sizeInMBs(64).intervalInSeconds(120))
                .dynamicPartitioningConfiguration(p -> p.enabled(true))
                .processingConfiguration(p -> p.enabled(true).processors(
                        pr -> pr.type(ProcessorType.METADATA_EXTRACTION).parameters(
                                pa -> pa.parameterName("MetadataExtractionQuery").parameterValue("{tenant:.tenant}"),
                                pa -> pa.parameterName("JsonParsingEngine").parameterValue("JQ-1.6")),
                        pr -> pr.type(ProcessorType.APPEND_DELIMITER_TO_RECORD)))));
        String acme = "{\"tenant\":\"acme\"}";       // 17 bytes, 18 with the delimiter
        String globex = "{\"tenant\":\"globex\"}";   // 19 bytes, 20 with the delimiter
        Instant first = engine.clock.instant();
        put("by-tenant", List.of(data(acme), data(acme)));
        engine.clock.advance(Duration.ofSeconds(50));
        put("by-tenant", List.of(data(globex)));

        assertThat(buffered("by-tenant"))
                .containsEntry("records", "3")
                .containsEntry("bytes", Integer.toString(18 + 18 + 20))
                .containsEntry("partitions", "2")
                .containsEntry("oldest-arrival", first.toString())
                .containsEntry("interval-flush-in-ms", "70000"); // acme's, the sooner of the two

        engine.clock.advance(Duration.ofSeconds(70));
        engine.firehose.flushDue(); // acme's buffer goes, globex's stays
        assertThat(buffered("by-tenant"))
                .containsEntry("records", "1")
                .containsEntry("bytes", "20")
                .containsEntry("partitions", "1")
                .containsEntry("interval-flush-in-ms", "50000");
    }

    @Test
    void recordsWhoseDeliveryFailedAreReportedAsRetrying() {
        createStream(firehose, "to-nowhere", "no-such-bucket", d -> d.bufferingHints(h -> h.intervalInSeconds(0)));
        put("to-nowhere", records(4, 30, "r"));
        engine.firehose.flushDue();
        assertThat(buffered("to-nowhere"))
                .containsEntry("records", "4")
                .containsEntry("bytes", "120")
                .containsEntry("retrying-records", "4")
                .containsEntry("partitions", "0")
                .doesNotContainKey("interval-flush-in-ms"); // no open buffer: the retry, not the interval, comes next
    }

    @Test
    void anUnknownStreamIsResourceNotFound() {
        assertThatThrownBy(() -> firehose.describeDeliveryStream(b -> b.deliveryStreamName("never-made")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Firehose never-made under account 000000000000 not found.");
    }

    private static Record data(String json) {
        return Record.builder().data(SdkBytes.fromUtf8String(json)).build();
    }
}

package memberstream.engine.firehose;

import static memberstream.engine.firehose.FirehoseTestSupport.createStream;
import static memberstream.engine.firehose.FirehoseTestSupport.decompress;
import static memberstream.engine.firehose.FirehoseTestSupport.json;
import static memberstream.engine.firehose.FirehoseTestSupport.keys;
import static memberstream.engine.firehose.FirehoseTestSupport.object;
import static memberstream.engine.firehose.FirehoseTestSupport.records;
import static memberstream.engine.firehose.FirehoseTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import memberstream.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;

/** Delivery to S3 through the real SDK clients: buffering, compression, keys, processors, failures. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirehoseDeliveryTest {

    TestEngine engine;
    FirehoseClient firehose;
    S3Client s3;

    @BeforeAll
    void start() {
        engine = new TestEngine("firehose-delivery");
        firehose = engine.firehoseClient();
        s3 = engine.s3Client();
        s3.createBucket(b -> b.bucket("landing"));
    }

    @AfterAll
    void stop() {
        firehose.close();
        s3.close();
        engine.close();
    }

    private void put(String stream, List<Record> records) {
        var answer = firehose.putRecordBatch(b -> b.deliveryStreamName(stream).records(records));
        assertThat(answer.failedPutCount()).isZero();
    }

    @Test
    void anObjectIsWrittenWhenTheBufferReachesItsSize() {
        createStream(firehose, "by-size", "landing", d -> d.prefix("by-size/").errorOutputPrefix("by-size-errors/")
                .bufferingHints(h -> h.sizeInMBs(1).intervalInSeconds(900)));
        put("by-size", records(500, 1024, "a"));
        engine.firehose.flushDue();
        assertThat(keys(s3, "landing", "by-size/")).isEmpty();

        put("by-size", records(500, 1024, "b"));
        put("by-size", records(100, 1024, "c"));
        engine.firehose.flushDue();
        List<String> written = keys(s3, "landing", "by-size/");
        assertThat(written).hasSize(1);
        byte[] first = object(s3, "landing", written.get(0));
        assertThat(first.length).isEqualTo(1024 * 1024); // closed by the record that reached 1 MiB
        assertThat(engine.firehose.pendingRecords("by-size")).isPositive();

        engine.clock.advance(Duration.ofSeconds(900));
        engine.firehose.flushDue();
        List<String> all = keys(s3, "landing", "by-size/");
        assertThat(all).hasSize(2);
        String second = text(object(s3, "landing", all.get(0).equals(written.get(0)) ? all.get(1) : all.get(0)));
        StringBuilder expected = new StringBuilder();
        for (String tag : List.of("a", "b")) {
            for (int i = 0; i < 500; i++) {
                expected.append(json(tag, i, 1024));
            }
        }
        for (int i = 0; i < 100; i++) {
            expected.append(json("c", i, 1024));
        }
        // The first object holds the first 1 MiB of records, the second the rest, in order.
        assertThat(text(first).equals(expected.substring(0, 1024 * 1024))).as("first object's records").isTrue();
        assertThat(second.equals(expected.substring(1024 * 1024))).as("second object's records").isTrue();
        assertThat(engine.firehose.pendingRecords("by-size")).isZero();
    }

    @Test
    void anObjectIsWrittenWhenTheIntervalPassesWithKeysInAwsFormat() {
        engine.setTime(java.time.Instant.parse("2026-03-04T05:06:07.890Z"));
        createStream(firehose, "by-time", "landing", d -> d.bufferingHints(h -> h.sizeInMBs(5).intervalInSeconds(60)));
        put("by-time", records(3, 100, "t"));
        engine.clock.advance(Duration.ofSeconds(30));
        put("by-time", records(2, 100, "u"));
        engine.clock.advance(Duration.ofSeconds(29));
        engine.firehose.flushDue();
        assertThat(keys(s3, "landing", "")).noneMatch(key -> key.contains("by-time"));

        engine.clock.advance(Duration.ofSeconds(1));
        engine.firehose.flushDue();
        List<String> written = keys(s3, "landing", "").stream().filter(key -> key.contains("by-time")).toList();
        assertThat(written).hasSize(1);
        // Default prefix yyyy/MM/dd/HH/ (UTC) and the time in the name: the oldest record's arrival.
        assertThat(written.get(0)).matches("2026/03/04/05/by-time-1-2026-03-04-05-06-07-"
                + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        // Without the delimiter processor, records are concatenated with nothing between them.
        assertThat(text(object(s3, "landing", written.get(0)))).isEqualTo(json("t", 0, 100) + json("t", 1, 100)
                + json("t", 2, 100) + json("u", 0, 100) + json("u", 1, 100));
    }

    @Test
    void aZeroIntervalDeliversAtTheNextCheck() {
        createStream(firehose, "no-wait", "landing", d -> d.prefix("no-wait/").bufferingHints(h -> h.intervalInSeconds(0)));
        put("no-wait", records(1, 10, "z"));
        engine.firehose.flushDue();
        assertThat(keys(s3, "landing", "no-wait/")).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource({"UNCOMPRESSED,''", "GZIP,.gz", "ZIP,.zip", "Snappy,.snappy", "HADOOP_SNAPPY,.snappy"})
    void eachCompressionFormatDecompressesToTheRecords(String format, String extension) {
        String name = "compressed-" + format.toLowerCase();
        createStream(firehose, name, "landing", d -> d.prefix(name + "/").compressionFormat(CompressionFormat.fromValue(format))
                .bufferingHints(h -> h.intervalInSeconds(60))
                .processingConfiguration(p -> p.enabled(true).processors(pr -> pr.type(ProcessorType.APPEND_DELIMITER_TO_RECORD))));
        List<Record> records = records(300, 700, format);
        put(name, records);
        engine.clock.advance(Duration.ofSeconds(60));
        engine.firehose.flushDue();
        List<String> written = keys(s3, "landing", name + "/");
        assertThat(written).hasSize(1);
        assertThat(written.get(0)).matches(".*-[0-9a-f]{12}" + java.util.regex.Pattern.quote(extension));
        StringBuilder expected = new StringBuilder();
        records.forEach(record -> expected.append(record.data().asUtf8String()).append('\n'));
        assertThat(text(decompress(format, object(s3, "landing", written.get(0))))).isEqualTo(expected.toString());
    }

    @Test
    void fileExtensionOverridesTheCompressionsExtension() {
        createStream(firehose, "json-gz", "landing", d -> d.prefix("json-gz/").compressionFormat(CompressionFormat.GZIP)
                .fileExtension(".json.gz").bufferingHints(h -> h.intervalInSeconds(0)));
        put("json-gz", records(2, 50, "e"));
        engine.firehose.flushDue();
        List<String> written = keys(s3, "landing", "json-gz/");
        assertThat(written).singleElement().satisfies(key -> assertThat(key).endsWith(".json.gz"));
        assertThat(text(decompress("GZIP", object(s3, "landing", written.get(0))))).isEqualTo(json("e", 0, 50) + json("e", 1, 50));
    }

    @Test
    void customPrefixExpressionsUseTheOldestRecordsArrival() {
        createStream(firehose, "expressions", "landing", d -> d
                .prefix("exp/year=!{timestamp:yyyy}/month=!{timestamp:MM}/!{timestamp:'day='dd'/hour='HH}/r=!{firehose:random-string}/")
                .errorOutputPrefix("exp-errors/!{firehose:error-output-type}/!{timestamp:yyyy}/")
                .bufferingHints(h -> h.intervalInSeconds(120)));
        engine.setTime(java.time.Instant.parse("2026-07-08T23:59:30Z"));
        put("expressions", records(1, 20, "old"));
        engine.clock.advance(Duration.ofSeconds(60));
        put("expressions", records(1, 20, "new"));
        engine.clock.advance(Duration.ofSeconds(60));
        engine.firehose.flushDue();
        List<String> written = keys(s3, "landing", "exp/");
        assertThat(written).singleElement().satisfies(key -> assertThat(key)
                .matches("exp/year=2026/month=07/day=08/hour=23/r=[A-Za-z0-9]{11}/expressions-1-2026-07-08-23-59-30-.{36}"));
    }

    @Test
    void aPrefixWithoutTimestampGetsTheDefaultTimePartAppended() {
        engine.setTime(java.time.Instant.parse("2026-03-04T05:06:07.890Z"));
        createStream(firehose, "plain-prefix", "landing", d -> d.prefix("plain").bufferingHints(h -> h.intervalInSeconds(0)));
        put("plain-prefix", records(1, 20, "p"));
        engine.firehose.flushDue();
        assertThat(keys(s3, "landing", "plain")).singleElement()
                .satisfies(key -> assertThat(key).startsWith("plain2026/03/04/05/plain-prefix-1-2026-03-04-05-06-07-"));
    }

    @Test
    void dynamicPartitioningGroupsByQueryAndSendsFailuresUnderTheErrorPrefix() {
        firehose.createDeliveryStream(b -> b.deliveryStreamName("partitioned").extendedS3DestinationConfiguration(d -> d
                .roleARN(FirehoseTestSupport.ROLE).bucketARN("arn:aws:s3:::landing")
                .prefix("tenants/tenant=!{partitionKeyFromQuery:tenant}/kind=!{partitionKeyFromQuery:kind}/")
                .errorOutputPrefix("tenant-errors/!{firehose:error-output-type}/")
                .bufferingHints(h -> h.sizeInMBs(64).intervalInSeconds(60))
                .dynamicPartitioningConfiguration(p -> p.enabled(true))
                .processingConfiguration(p -> p.enabled(true).processors(
                        pr -> pr.type(ProcessorType.METADATA_EXTRACTION).parameters(
                                pa -> pa.parameterName("MetadataExtractionQuery").parameterValue("{tenant:.tenant,kind:.event.kind}"),
                                pa -> pa.parameterName("JsonParsingEngine").parameterValue("JQ-1.6")),
                        pr -> pr.type(ProcessorType.APPEND_DELIMITER_TO_RECORD)))));
        List<String> data = List.of("{\"tenant\":\"acme\",\"event\":{\"kind\":\"created\"},\"n\":1}",
                "{\"tenant\":\"globex\",\"event\":{\"kind\":\"created\"},\"n\":2}",
                "{\"tenant\":\"acme\",\"event\":{\"kind\":\"created\"},\"n\":3}",
                "{\"tenant\":\"acme\",\"event\":{\"kind\":\"deleted\"},\"n\":4}",
                "not json at all",
                "{\"tenant\":\"acme\"}");
        put("partitioned", data.stream().map(d -> Record.builder().data(SdkBytes.fromUtf8String(d)).build()).toList());
        engine.clock.advance(Duration.ofSeconds(60));
        engine.firehose.flushDue();

        List<String> acmeCreated = keys(s3, "landing", "tenants/tenant=acme/kind=created/");
        assertThat(acmeCreated).hasSize(1);
        assertThat(text(object(s3, "landing", acmeCreated.get(0)))).isEqualTo(data.get(0) + "\n" + data.get(2) + "\n");
        assertThat(keys(s3, "landing", "tenants/tenant=acme/kind=deleted/")).hasSize(1);
        List<String> globex = keys(s3, "landing", "tenants/tenant=globex/kind=created/");
        assertThat(text(object(s3, "landing", globex.get(0)))).isEqualTo(data.get(1) + "\n");

        List<String> errors = keys(s3, "landing", "tenant-errors/partitioning-failed/");
        assertThat(errors).hasSize(1);
        String errorObject = text(object(s3, "landing", errors.get(0)));
        List<String> lines = errorObject.lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines).allSatisfy(line -> assertThat(line).contains("\"errorCode\":\"DynamicPartitioning.MetadataExtractionFailed\""));
        assertThat(lines.get(0)).contains("\"rawData\":\"" + java.util.Base64.getEncoder().encodeToString("not json at all".getBytes()) + "\"");
    }

    @Test
    void aMissingBucketFailsDeliveryAndKeepsTheDataUntilItExists() {
        createStream(firehose, "to-missing", "not-yet", d -> d.bufferingHints(h -> h.intervalInSeconds(0)));
        put("to-missing", records(4, 30, "m"));
        assertThat(engine.firehose.flushDue()).isZero();
        assertThat(engine.firehose.lastDeliveryError("to-missing")).startsWith("S3.NoSuchBucket");
        assertThat(engine.firehose.pendingRecords("to-missing")).isEqualTo(4);

        s3.createBucket(b -> b.bucket("not-yet"));
        engine.firehose.flushDue();
        assertThat(keys(s3, "not-yet", "")).isEmpty(); // waits for its retry time

        engine.clock.advance(TestEngine.RETRY_INTERVAL);
        engine.firehose.flushDue();
        List<String> written = keys(s3, "not-yet", "");
        assertThat(written).hasSize(1);
        assertThat(text(object(s3, "not-yet", written.get(0)))).isEqualTo(json("m", 0, 30) + json("m", 1, 30)
                + json("m", 2, 30) + json("m", 3, 30));
        assertThat(engine.firehose.lastDeliveryError("to-missing")).isNull();
    }

    @Test
    void anUpdatedDestinationNamesNewObjectsWithTheNewVersion() {
        createStream(firehose, "versioned", "landing", d -> d.prefix("v1/").bufferingHints(h -> h.intervalInSeconds(0)));
        put("versioned", records(1, 10, "one"));
        engine.firehose.flushDue();
        firehose.updateDestination(b -> b.deliveryStreamName("versioned").currentDeliveryStreamVersionId("1")
                .destinationId("destinationId-000000000001").extendedS3DestinationUpdate(u -> u.prefix("v2/")));
        put("versioned", records(1, 10, "two"));
        engine.firehose.flushDue();
        assertThat(keys(s3, "landing", "v1/")).singleElement().satisfies(key -> assertThat(key).contains("/versioned-1-"));
        assertThat(keys(s3, "landing", "v2/")).singleElement().satisfies(key -> assertThat(key).contains("/versioned-2-"));
    }

    @Test
    void bufferedRecordsAreDeliveredAfterARestart() {
        createStream(firehose, "survivor", "landing", d -> d.prefix("survivor/").bufferingHints(h -> h.intervalInSeconds(300)));
        List<Record> batch = new ArrayList<>(records(50, 200, "s"));
        put("survivor", batch);
        engine.restart();
        FirehoseClient reopened = engine.firehoseClient();
        S3Client s3Again = engine.s3Client();
        try {
            assertThat(engine.firehose.pendingRecords("survivor")).isEqualTo(50);
            engine.clock.advance(Duration.ofSeconds(300));
            engine.firehose.flushDue();
            List<String> written = keys(s3Again, "landing", "survivor/");
            assertThat(written).hasSize(1);
            StringBuilder expected = new StringBuilder();
            batch.forEach(record -> expected.append(record.data().asUtf8String()));
            assertThat(text(object(s3Again, "landing", written.get(0)))).isEqualTo(expected.toString());
            assertThat(reopened.describeDeliveryStream(b -> b.deliveryStreamName("survivor")).deliveryStreamDescription()
                    .versionId()).isEqualTo("1");
        } finally {
            reopened.close();
            s3Again.close();
        }
        // The old clients point at the old port: swap them for the rest of the class.
        firehose.close();
        s3.close();
        firehose = engine.firehoseClient();
        s3 = engine.s3Client();
    }
}

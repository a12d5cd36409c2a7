package memberstream.engine.firehose;

import static memberstream.engine.firehose.FirehoseTestSupport.keys;
import static memberstream.engine.firehose.FirehoseTestSupport.object;
import static memberstream.engine.firehose.FirehoseTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import memberstream.engine.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * MetadataExtraction queries written to hurt: each costs only its record, which lands under the error
 * prefix; the engine, other delivery streams and a restart are unaffected.
 */
class FirehoseHostileQueryTest {

    TestEngine engine;
    FirehoseClient firehose;
    S3Client s3;

    @BeforeEach
    void start() {
        engine = new TestEngine("firehose-hostile-query");
        firehose = engine.firehoseClient();
        s3 = engine.s3Client();
        s3.createBucket(b -> b.bucket("landing"));
    }

    @AfterEach
    void stop() {
        firehose.close();
        s3.close();
        engine.close();
    }

    private void createPartitioned(String name, String query) {
        firehose.createDeliveryStream(b -> b.deliveryStreamName(name).extendedS3DestinationConfiguration(d -> d
                .roleARN(FirehoseTestSupport.ROLE).bucketARN("arn:aws:s3:::landing")
                .prefix(name + "/t=!{partitionKeyFromQuery:t}/")
                .errorOutputPrefix(name + "-errors/!{firehose:error-output-type}/")
                .bufferingHints(h -> h.sizeInMBs(64).intervalInSeconds(60))
                .dynamicPartitioningConfiguration(p -> p.enabled(true))
                .processingConfiguration(p -> p.enabled(true).processors(
                        pr -> pr.type(ProcessorType.METADATA_EXTRACTION).parameters(
                                pa -> pa.parameterName("MetadataExtractionQuery").parameterValue(query),
                                pa -> pa.parameterName("JsonParsingEngine").parameterValue("JQ-1.6"))))));
    }

    private static Record record(String json) {
        return Record.builder().data(SdkBytes.fromUtf8String(json)).build();
    }

    private List<String> errorLines(String stream) {
        return keys(s3, "landing", stream + "-errors/partitioning-failed/").stream()
                .flatMap(key -> text(object(s3, "landing", key)).lines()).toList();
    }

    private void flushLater() {
        engine.clock.advance(Duration.ofSeconds(60));
        engine.firehose.flushDue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "def f: f; f",
            "last(range(1e12)) | {t: .}",
            "[range(1e9)] | {t: length}",
            "def f: [f]; f",
            "def f(n): if n == 0 then 0 else (f(n - 1), f(n - 1)) end; reduce f(60) as $x (0; . + 1) | {t: .}",
            "def f($n): if $n == 0 then 0 else (f($n - 1), f($n - 1)) end; reduce f(60) as $x (0; . + 1) | {t: .}",
    })
    void aQueryThatNeverEndsOrNestsTooDeepFailsItsRecordIntoTheErrorPrefix(String query) {
        createPartitioned("hostile", query);
        var answer = firehose.putRecordBatch(b -> b.deliveryStreamName("hostile")
                .records(record("{\"t\":\"a\",\"n\":1}"), record("{\"t\":\"b\",\"n\":2}"), record("{\"t\":\"c\",\"n\":3}")));
        assertThat(answer.failedPutCount()).isZero();
        assertThat(engine.firehose.pendingRecords("hostile")).isEqualTo(3);

        flushLater();
        List<String> lines = errorLines("hostile");
        assertThat(lines).hasSize(3);
        assertThat(lines).allSatisfy(line -> assertThat(line)
                .contains("\"errorCode\":\"DynamicPartitioning.MetadataExtractionFailed\""));
        assertThat(lines.get(0)).containsAnyOf("ran longer than", "nests deeper", "intermediate values");
        assertThat(keys(s3, "landing", "hostile/")).isEmpty();
        assertThat(engine.firehose.pendingRecords("hostile")).isZero();
    }

    @Test
    void otherDeliveryStreamsKeepWorkingWhileAQueryRunsOutItsTime() throws Exception {
        createPartitioned("slow", "last(range(1e12)) | {t: .}");
        FirehoseTestSupport.createStream(firehose, "plain", "landing", d -> d.prefix("plain/")
                .bufferingHints(h -> h.sizeInMBs(1).intervalInSeconds(60)));
        List<Record> many = java.util.stream.IntStream.range(0, 20).mapToObj(i -> record("{\"n\":" + i + "}")).toList();
        CompletableFuture<Integer> slowPut = CompletableFuture.supplyAsync(() -> firehose.putRecordBatch(b -> b
                .deliveryStreamName("slow").records(many)).failedPutCount());
        for (int i = 0; i < 10; i++) {
            firehose.putRecord(b -> b.deliveryStreamName("plain").record(record("{\"plain\":true}")));
        }
        assertThat(engine.firehose.pendingRecords("plain")).isEqualTo(10);
        // 20 records whose query times out cost a few time limits, not 20 of them.
        assertThat(slowPut.get(30, TimeUnit.SECONDS)).isZero();
        flushLater();
        // On a loaded machine the query runs out of time, and after two timeouts the rest of the request is
        // not run; on a quiet one it reaches the intermediate-values budget first, within its time.
        assertThat(errorLines("slow")).hasSize(20)
                .allSatisfy(line -> assertThat(line).contains("\"errorCode\":\"DynamicPartitioning.MetadataExtractionFailed\""))
                .last().asString().containsAnyOf("was not run", "intermediate values");
        assertThat(keys(s3, "landing", "plain/")).hasSize(1);
    }

    @Test
    void aRestartWithSuchARecordBufferedDoesNotRunTheQueryAgain() {
        createPartitioned("restarted", "def f: f; f");
        firehose.putRecord(b -> b.deliveryStreamName("restarted").record(record("{\"t\":\"a\"}")));
        long evaluationsBefore = QueryEvaluator.evaluations();
        firehose.close();
        s3.close();

        engine.restart();
        firehose = engine.firehoseClient();
        s3 = engine.s3Client();
        assertThat(QueryEvaluator.evaluations()).isEqualTo(evaluationsBefore);
        assertThat(engine.firehose.pendingRecords("restarted")).isEqualTo(1);
        flushLater();
        assertThat(errorLines("restarted")).singleElement().asString().contains("nests deeper");
    }

    @Test
    void aGoodQueryStillPartitionsAndItsDecisionSurvivesARestart() {
        createPartitioned("good", "{t: .t}");
        firehose.putRecord(b -> b.deliveryStreamName("good").record(record("{\"t\":\"x\"}")));
        firehose.close();
        s3.close();
        engine.restart();
        firehose = engine.firehoseClient();
        s3 = engine.s3Client();
        flushLater();
        List<String> written = keys(s3, "landing", "good/t=x/");
        assertThat(written).hasSize(1);
        assertThat(text(object(s3, "landing", written.get(0)))).isEqualTo("{\"t\":\"x\"}");
    }
}

package memberstream.engine.firehose;

import static memberstream.engine.firehose.FirehoseTestSupport.ROLE;
import static memberstream.engine.firehose.FirehoseTestSupport.createStream;
import static memberstream.engine.firehose.FirehoseTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;
import memberstream.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.ConcurrentModificationException;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.Tag;

/** The Firehose API through the real SDK v2 {@code FirehoseClient}: operations, limits and AWS's errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirehoseApiTest {

    TestEngine engine;
    FirehoseClient firehose;

    @BeforeAll
    void start() {
        engine = new TestEngine("firehose-api");
        firehose = engine.firehoseClient();
    }

    @AfterAll
    void stop() {
        firehose.close();
        engine.close();
    }

    @Test
    void aStreamIsCreatedDescribedListedAndDeleted() {
        String arn = firehose.createDeliveryStream(b -> b.deliveryStreamName("orders").deliveryStreamType("DirectPut")
                .s3DestinationConfiguration(d -> d.roleARN(ROLE).bucketARN("arn:aws:s3:::orders-bucket"))
                .tags(Tag.builder().key("team").value("members").build())).deliveryStreamARN();
        assertThat(arn).isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/orders");

        DeliveryStreamDescription description = firehose.describeDeliveryStream(b -> b.deliveryStreamName("orders"))
                .deliveryStreamDescription();
        assertThat(description.deliveryStreamStatusAsString()).isEqualTo("ACTIVE");
        assertThat(description.deliveryStreamTypeAsString()).isEqualTo("DirectPut");
        assertThat(description.versionId()).isEqualTo("1");
        assertThat(description.createTimestamp()).isEqualTo(engine.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        var destination = description.destinations().get(0);
        assertThat(destination.destinationId()).isEqualTo("destinationId-000000000001");
        assertThat(destination.s3DestinationDescription().bucketARN()).isEqualTo("arn:aws:s3:::orders-bucket");
        assertThat(destination.s3DestinationDescription().bufferingHints().sizeInMBs()).isEqualTo(5);
        assertThat(destination.s3DestinationDescription().bufferingHints().intervalInSeconds()).isEqualTo(300);
        assertThat(destination.s3DestinationDescription().compressionFormatAsString()).isEqualTo("UNCOMPRESSED");
        assertThat(destination.extendedS3DestinationDescription().roleARN()).isEqualTo(ROLE);

        assertThat(firehose.listDeliveryStreams(b -> { }).deliveryStreamNames()).contains("orders");
        assertThat(firehose.listTagsForDeliveryStream(b -> b.deliveryStreamName("orders")).tags())
                .containsExactly(Tag.builder().key("team").value("members").build());

        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("orders")
                .s3DestinationConfiguration(d -> d.roleARN(ROLE).bucketARN("arn:aws:s3:::orders-bucket"))))
                .isInstanceOf(ResourceInUseException.class);

        firehose.deleteDeliveryStream(b -> b.deliveryStreamName("orders"));
        assertThatThrownBy(() -> firehose.describeDeliveryStream(b -> b.deliveryStreamName("orders")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Firehose orders under account 000000000000 not found.");
        assertThat(firehose.listDeliveryStreams(b -> { }).deliveryStreamNames()).doesNotContain("orders");
    }

    @Test
    void listingPagesByName() {
        for (String name : List.of("page-a", "page-b", "page-c")) {
            createStream(firehose, name, "pages", d -> { });
        }
        var first = firehose.listDeliveryStreams(b -> b.limit(2).exclusiveStartDeliveryStreamName("page-"));
        assertThat(first.deliveryStreamNames()).containsExactly("page-a", "page-b");
        assertThat(first.hasMoreDeliveryStreams()).isTrue();
        var second = firehose.listDeliveryStreams(b -> b.limit(2).exclusiveStartDeliveryStreamName("page-b"));
        assertThat(second.deliveryStreamNames()).first().isEqualTo("page-c");
    }

    @Test
    void tagsAreAddedListedAndRemoved() {
        createStream(firehose, "tagged", "tags", d -> { });
        firehose.tagDeliveryStream(b -> b.deliveryStreamName("tagged").tags(Tag.builder().key("b").value("2").build(),
                Tag.builder().key("a").value("1").build()));
        assertThat(firehose.listTagsForDeliveryStream(b -> b.deliveryStreamName("tagged")).tags())
                .extracting(Tag::key).containsExactly("a", "b");
        var page = firehose.listTagsForDeliveryStream(b -> b.deliveryStreamName("tagged").limit(1));
        assertThat(page.tags()).extracting(Tag::key).containsExactly("a");
        assertThat(page.hasMoreTags()).isTrue();
        firehose.untagDeliveryStream(b -> b.deliveryStreamName("tagged").tagKeys("a"));
        assertThat(firehose.listTagsForDeliveryStream(b -> b.deliveryStreamName("tagged")).tags())
                .extracting(Tag::key).containsExactly("b");
    }

    @Test
    void putAnswersSayWhetherServerSideEncryptionIsOn() {
        createStream(firehose, "sse", "sse-bucket", d -> { });
        SdkBytes data = SdkBytes.fromUtf8String("x");
        assertThat(firehose.putRecord(b -> b.deliveryStreamName("sse").record(r -> r.data(data))).encrypted()).isFalse();
        firehose.startDeliveryStreamEncryption(b -> b.deliveryStreamName("sse")
                .deliveryStreamEncryptionConfigurationInput(c -> c.keyType("AWS_OWNED_CMK")));
        assertThat(firehose.putRecord(b -> b.deliveryStreamName("sse").record(r -> r.data(data))).encrypted()).isTrue();
        assertThat(firehose.putRecordBatch(b -> b.deliveryStreamName("sse").records(Record.builder().data(data).build()))
                .encrypted()).isTrue();
        firehose.stopDeliveryStreamEncryption(b -> b.deliveryStreamName("sse"));
        assertThat(firehose.putRecordBatch(b -> b.deliveryStreamName("sse").records(Record.builder().data(data).build()))
                .encrypted()).isFalse();
    }

    @Test
    void tagsWithCharactersOutsideTheModelsPatternOrTooManyAreRefused() {
        createStream(firehose, "strict-tags", "tags", d -> { });
        for (String bad : List.of("a;b", "a,b", "tab\there", "new\nline")) {
            assertThatThrownBy(() -> firehose.tagDeliveryStream(b -> b.deliveryStreamName("strict-tags")
                    .tags(Tag.builder().key("k").value(bad).build())))
                    .isInstanceOf(FirehoseException.class)
                    .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                    .hasMessageContaining("at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern");
            assertThatThrownBy(() -> firehose.tagDeliveryStream(b -> b.deliveryStreamName("strict-tags")
                    .tags(Tag.builder().key(bad).value("v").build())))
                    .hasMessageContaining("at 'tags.1.member.key'");
        }
        assertThatThrownBy(() -> firehose.tagDeliveryStream(b -> b.deliveryStreamName("strict-tags")
                .tags(Tag.builder().key("aws:reserved").value("v").build())))
                .hasMessageContaining("at 'tags.1.member.key'");
        // the model's pattern lets '%', ':' and '@' through, and Unicode letters and spaces
        firehose.tagDeliveryStream(b -> b.deliveryStreamName("strict-tags")
                .tags(Tag.builder().key("owner:mail").value("50% of ü@example.org").build()));
        assertThat(firehose.listTagsForDeliveryStream(b -> b.deliveryStreamName("strict-tags")).tags())
                .containsExactly(Tag.builder().key("owner:mail").value("50% of ü@example.org").build());

        List<Tag> fifty = new java.util.ArrayList<>();
        for (int i = 0; i < 49; i++) {
            fifty.add(Tag.builder().key("k" + i).value("v").build());
        }
        firehose.tagDeliveryStream(b -> b.deliveryStreamName("strict-tags").tags(fifty));
        assertThatThrownBy(() -> firehose.tagDeliveryStream(b -> b.deliveryStreamName("strict-tags")
                .tags(Tag.builder().key("one-too-many").value("v").build())))
                .isInstanceOf(software.amazon.awssdk.services.firehose.model.LimitExceededException.class);
        assertThat(firehose.listTagsForDeliveryStream(b -> b.deliveryStreamName("strict-tags")).tags()).hasSize(50);
    }

    @Test
    void updateDestinationRaisesTheVersionAndChecksTheCurrentOne() {
        createStream(firehose, "updatable", "updates", d -> d.bufferingHints(h -> h.sizeInMBs(2).intervalInSeconds(60)));
        firehose.updateDestination(b -> b.deliveryStreamName("updatable").currentDeliveryStreamVersionId("1")
                .destinationId("destinationId-000000000001")
                .extendedS3DestinationUpdate(u -> u.bufferingHints(h -> h.intervalInSeconds(120))));
        DeliveryStreamDescription description = firehose.describeDeliveryStream(b -> b.deliveryStreamName("updatable"))
                .deliveryStreamDescription();
        assertThat(description.versionId()).isEqualTo("2");
        assertThat(description.lastUpdateTimestamp()).isNotNull();
        var hints = description.destinations().get(0).extendedS3DestinationDescription().bufferingHints();
        assertThat(hints.intervalInSeconds()).isEqualTo(120);
        assertThat(hints.sizeInMBs()).isEqualTo(2);

        assertThatThrownBy(() -> firehose.updateDestination(b -> b.deliveryStreamName("updatable")
                .currentDeliveryStreamVersionId("1").destinationId("destinationId-000000000001")
                .extendedS3DestinationUpdate(u -> u.prefix("x/"))))
                .isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void putRecordBatchAnswersEveryRecordInOrder() {
        createStream(firehose, "batch", "batches", d -> { });
        List<Record> records = records(500, 100, "r");
        PutRecordBatchResponse answer = firehose.putRecordBatch(b -> b.deliveryStreamName("batch").records(records));
        assertThat(answer.failedPutCount()).isZero();
        assertThat(answer.encrypted()).isFalse();
        assertThat(answer.requestResponses()).hasSize(500).allSatisfy(entry -> {
            assertThat(entry.recordId()).isNotBlank();
            assertThat(entry.errorCode()).isNull();
        });
        assertThat(new HashSet<>(answer.requestResponses().stream().map(r -> r.recordId()).toList())).hasSize(500);
        String single = firehose.putRecord(b -> b.deliveryStreamName("batch")
                .record(r -> r.data(SdkBytes.fromUtf8String("one")))).recordId();
        assertThat(single).isNotBlank().isNotIn(answer.requestResponses().stream().map(r -> r.recordId()).toList());
        assertThat(engine.firehose.pendingRecords("batch")).isEqualTo(501);
    }

    @Test
    void awsLimitsAreEnforcedWithAwsErrors() {
        createStream(firehose, "limits", "limits", d -> { });
        assertThatThrownBy(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("limits").records(records(501, 10, "x"))))
                .isInstanceOfSatisfying(FirehoseException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("at 'records' failed to satisfy constraint: "
                            + "Member must have length less than or equal to 500");
                });
        Record tooLarge = Record.builder().data(SdkBytes.fromByteArray(new byte[1_024_001])).build();
        assertThatThrownBy(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("limits")
                .records(Record.builder().data(SdkBytes.fromUtf8String("ok")).build(), tooLarge)))
                .isInstanceOfSatisfying(FirehoseException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("1 validation error detected: Value at 'records.2.member.data' failed to satisfy "
                                + "constraint: Member must have length less than or equal to 1024000"));
        Record largest = Record.builder().data(SdkBytes.fromByteArray(new byte[1_024_000])).build();
        assertThat(firehose.putRecord(b -> b.deliveryStreamName("limits").record(largest)).recordId()).isNotBlank();
        List<Record> fiveLargest = List.of(largest, largest, largest, largest, largest);
        assertThatThrownBy(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("limits").records(fiveLargest)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(engine.firehose.pendingRecords("limits")).isEqualTo(1);
        assertThatThrownBy(() -> firehose.putRecord(b -> b.deliveryStreamName("no-such-stream")
                .record(r -> r.data(SdkBytes.fromUtf8String("x"))))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void invalidPrefixesAreRefusedAtCreationAsAwsWordsIt() {
        assertInvalid(d -> d.prefix("data/!{timestamp:yyyy}/"),
                "Ths supplied prefix(es) do not satisfy the following constraint: ErrorOutputPrefix cannot be null or "
                        + "empty when Prefix contains expressions");
        assertInvalid(d -> d.prefix("data/!{firehose:error-output-type}/").errorOutputPrefix("e/!{firehose:error-output-type}"),
                "Prefix cannot contain !{firehose:error-output-type}");
        assertInvalid(d -> d.prefix("data/").errorOutputPrefix("errors/!{timestamp:yyyy}/"),
                "ErrorOutputPrefix must contain !{firehose:error-output-type}");
        assertInvalid(d -> d.prefix("data/!{unknown:thing}/").errorOutputPrefix("e/!{firehose:error-output-type}"),
                "Invalid namespace 'unknown'");
        assertInvalid(d -> d.prefix("data/!{timestamp:yyyy/").errorOutputPrefix("e/!{firehose:error-output-type}"),
                "The sequence !{ can only appear in !{namespace:value} expressions");
        assertInvalid(d -> d.prefix("data/!{timestamp:bbbb}/").errorOutputPrefix("e/!{firehose:error-output-type}"),
                "Invalid timestamp format");
        assertInvalid(d -> d.prefix("t=!{partitionKeyFromQuery:t}/").errorOutputPrefix("e/!{firehose:error-output-type}"),
                "need dynamic partitioning");
        assertInvalid(d -> d.prefix("t=!{partitionKeyFromQuery:t}/").errorOutputPrefix("e/!{firehose:error-output-type}")
                        .dynamicPartitioningConfiguration(p -> p.enabled(true)).bufferingHints(h -> h.sizeInMBs(5)),
                "BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.");
        assertInvalid(d -> d.prefix("t=!{partitionKeyFromQuery:t}/")
                        .dynamicPartitioningConfiguration(p -> p.enabled(true)),
                "ErrorOutputPrefix cannot be null or empty");
        assertInvalid(d -> d.prefix("t=!{partitionKeyFromQuery:t}/").errorOutputPrefix("e/!{firehose:error-output-type}")
                        .dynamicPartitioningConfiguration(p -> p.enabled(true))
                        .processingConfiguration(p -> p.enabled(true).processors(pr -> pr.type("MetadataExtraction")
                                .parameters(pa -> pa.parameterName("MetadataExtractionQuery").parameterValue("{t: .t")))),
                "Invalid MetadataExtractionQuery");
        assertThat(firehose.listDeliveryStreams(b -> b.exclusiveStartDeliveryStreamName("invalid"))
                .deliveryStreamNames()).noneMatch(name -> name.startsWith("invalid-"));
    }

    private int invalidCount;

    private void assertInvalid(Consumer<ExtendedS3DestinationConfiguration.Builder> destination, String message) {
        String name = "invalid-" + (++invalidCount);
        assertThatThrownBy(() -> createStream(firehose, name, "invalid", destination))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void modelConstraintsAreValidationErrors() {
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("bad name!")
                .extendedS3DestinationConfiguration(d -> d.roleARN(ROLE).bucketARN("arn:aws:s3:::b")
                        .bufferingHints(h -> h.sizeInMBs(129)))))
                .isInstanceOfSatisfying(FirehoseException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).startsWith("2 validation errors detected: ")
                            .contains("Value 'bad name!' at 'deliveryStreamName' failed to satisfy constraint: "
                                    + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
                            .contains("at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to "
                                    + "satisfy constraint: Member must have value less than or equal to 128");
                });
    }

    @Test
    void unsupportedDestinationsAndTypesAreRefusedClearly() {
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("no-destination")))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("to-splunk")
                .splunkDestinationConfiguration(s -> s.hecEndpoint("https://splunk").hecToken("t").hecEndpointType("Raw")
                        .s3Configuration(d -> d.roleARN(ROLE).bucketARN("arn:aws:s3:::b")))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not supported by the local engine");
    }
}

package memberstream.engine.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import memberstream.engine.protocol.AwsServiceException;
import org.junit.jupiter.api.Test;

/** Prefix evaluation and key naming, against the examples of AWS's "Custom Prefixes for Amazon S3 Objects". */
class ObjectKeysTest {

    private static final Instant AUG_27_10_30 = Instant.parse("2018-08-27T10:30:00Z");

    @Test
    void unspecifiedPrefixIsTheUtcHourAndTheErrorPrefixIsEvaluated() {
        ObjectKeys keys = ObjectKeys.of(null, "myFirehoseFailures/!{firehose:error-output-type}/", false);
        assertThat(keys.successPrefix(AUG_27_10_30, ZoneOffset.UTC, Map.of())).isEqualTo("2018/08/27/10/");
        assertThat(keys.errorPrefix(AUG_27_10_30, ZoneOffset.UTC, "processing-failed"))
                .isEqualTo("myFirehoseFailures/processing-failed/");
    }

    @Test
    void everyTimestampInstanceIsTheSameInstantAndQuotedTextIsLiteral() {
        ObjectKeys keys = ObjectKeys.of("myPrefix/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
                "myErrorPrefix/!{timestamp:'year='yyyy'/month='MM'/day='dd'/hour='HH}/!{firehose:error-output-type}", false);
        Instant late = Instant.parse("2018-07-06T23:59:59Z");
        assertThat(keys.successPrefix(late, ZoneOffset.UTC, Map.of())).isEqualTo("myPrefix/year=2018/month=07/day=06/hour=23/");
        assertThat(keys.errorPrefix(late, ZoneOffset.UTC, "processing-failed"))
                .isEqualTo("myErrorPrefix/year=2018/month=07/day=06/hour=23/processing-failed");
    }

    @Test
    void aPrefixWithoutExpressionsGetsTheTimeAppendedAndNamesTheErrorPrefix() {
        ObjectKeys keys = ObjectKeys.of("myFirehosePrefix/", null, false);
        assertThat(keys.successPrefix(AUG_27_10_30, ZoneOffset.UTC, Map.of())).isEqualTo("myFirehosePrefix/2018/08/27/10/");
        assertThat(keys.errorPrefix(AUG_27_10_30, ZoneOffset.UTC, "processing-failed"))
                .isEqualTo("myFirehosePrefix/processing-failed/2018/08/27/10/");
    }

    @Test
    void randomStringsAreElevenCharactersAndFreshEachTime() {
        ObjectKeys keys = ObjectKeys.of("r=!{firehose:random-string}/!{timestamp:yyyy}/", "e/!{firehose:error-output-type}", false);
        String first = keys.successPrefix(AUG_27_10_30, ZoneOffset.UTC, Map.of());
        String second = keys.successPrefix(AUG_27_10_30, ZoneOffset.UTC, Map.of());
        assertThat(first).matches("r=[A-Za-z0-9]{11}/2018/");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void partitionKeysComeFromTheRecordAndNoTimeIsAppended() {
        ObjectKeys keys = ObjectKeys.of("customer_id=!{partitionKeyFromQuery:customer_id}/", "errors/!{firehose:error-output-type}/", true);
        assertThat(keys.successPrefix(AUG_27_10_30, ZoneOffset.UTC, Map.of("customer_id", "1234567890")))
                .isEqualTo("customer_id=1234567890/");
        assertThatThrownBy(() -> keys.successPrefix(AUG_27_10_30, ZoneOffset.UTC, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void customTimeZonesMoveTheHour() {
        ObjectKeys keys = ObjectKeys.of(null, null, false);
        assertThat(keys.successPrefix(AUG_27_10_30, ZoneId.of("Asia/Tokyo"), Map.of())).isEqualTo("2018/08/27/19/");
        assertThat(ObjectKeys.suffix("orders", 3, AUG_27_10_30, ZoneId.of("Asia/Tokyo"), ".gz"))
                .matches("orders-3-2018-08-27-19-30-00-[0-9a-f-]{36}\\.gz");
    }

    @Test
    void theDocumentedRulesAreEnforced() {
        assertThatThrownBy(() -> ObjectKeys.of("!{timestamp:yyyy/MM/dd}", null, false))
                .isInstanceOf(AwsServiceException.class)
                .hasMessage("Ths supplied prefix(es) do not satisfy the following constraint: ErrorOutputPrefix cannot be "
                        + "null or empty when Prefix contains expressions");
        assertThatThrownBy(() -> ObjectKeys.of("a/!{firehose:error-output-type}", "e/!{firehose:error-output-type}", false))
                .hasMessageContaining("Prefix cannot contain !{firehose:error-output-type}");
        assertThatThrownBy(() -> ObjectKeys.of("a/", "e/!{timestamp:yyyy}", false))
                .hasMessageContaining("ErrorOutputPrefix must contain !{firehose:error-output-type}");
        assertThatThrownBy(() -> ObjectKeys.of("a/!{timestamp:yyyy", "e/!{firehose:error-output-type}", false))
                .hasMessageContaining("The sequence !{ can only appear in !{namespace:value} expressions");
        assertThatThrownBy(() -> ObjectKeys.of("a/!{firehose:uuid}/", "e/!{firehose:error-output-type}", false))
                .hasMessageContaining("Invalid firehose namespace value");
        assertThatThrownBy(() -> ObjectKeys.of("a/", "e/!{firehose:error-output-type}/!{partitionKeyFromQuery:k}", true))
                .hasMessageContaining("ErrorOutputPrefix cannot contain partitionKeyFromQuery");
        assertThat(ObjectKeys.of("plain/", "", false).successPrefix(AUG_27_10_30, ZoneOffset.UTC, Map.of()))
                .isEqualTo("plain/2018/08/27/10/");
    }
}

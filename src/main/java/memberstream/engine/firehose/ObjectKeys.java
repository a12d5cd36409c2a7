package memberstream.engine.firehose;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import memberstream.engine.protocol.AwsServiceException;

/**
 * Names the S3 objects of one destination as Firehose does:
 * {@code <evaluated prefix><stream>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><extension>}, with
 * Firehose's rules for {@code Prefix} and {@code ErrorOutputPrefix} checked once, at creation or update.
 * Immutable and thread-safe.
 */
final class ObjectKeys {

    static final String PREFIX_RULE = "Ths supplied prefix(es) do not satisfy the following constraint: ";
    private static final DateTimeFormatter DEFAULT_PREFIX = DateTimeFormatter.ofPattern(PrefixTemplate.DEFAULT_TIME_PATTERN);
    private static final DateTimeFormatter SUFFIX_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss");

    private final PrefixTemplate prefix;
    private final PrefixTemplate errorOutputPrefix;

    private ObjectKeys(PrefixTemplate prefix, PrefixTemplate errorOutputPrefix) {
        this.prefix = prefix;
        this.errorOutputPrefix = errorOutputPrefix;
    }

    /** Checks the documented prefix rules; a broken one is an InvalidArgumentException, worded as AWS words it. */
    static ObjectKeys of(String prefixSource, String errorOutputPrefixSource, boolean dynamicPartitioning) {
        PrefixTemplate prefix;
        PrefixTemplate errorPrefix;
        try {
            prefix = PrefixTemplate.parse(prefixSource);
            errorPrefix = PrefixTemplate.parse(errorOutputPrefixSource);
        } catch (PrefixTemplate.InvalidPrefixException e) {
            throw invalid(e.getMessage());
        }
        if (prefix.has(PrefixTemplate.ErrorOutputType.class)) {
            throw invalid("Prefix cannot contain !{firehose:error-output-type}");
        }
        if (prefix.hasExpressions() && errorPrefix.isEmpty()) {
            throw invalid("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions");
        }
        if (errorPrefix.hasExpressions() && !errorPrefix.has(PrefixTemplate.ErrorOutputType.class)) {
            throw invalid("ErrorOutputPrefix must contain !{firehose:error-output-type} when it contains expressions");
        }
        if (errorPrefix.has(PrefixTemplate.PartitionKey.class)) {
            throw invalid("ErrorOutputPrefix cannot contain partitionKeyFromQuery or partitionKeyFromLambda expressions");
        }
        boolean partitioned = prefix.has(PrefixTemplate.PartitionKey.class);
        if (partitioned && !dynamicPartitioning) {
            throw invalid("partitionKeyFromQuery and partitionKeyFromLambda expressions need dynamic partitioning "
                    + "to be enabled");
        }
        if (dynamicPartitioning && !partitioned) {
            throw invalid("Prefix must contain at least one partitionKeyFromQuery or partitionKeyFromLambda expression "
                    + "when dynamic partitioning is enabled");
        }
        if (dynamicPartitioning && errorPrefix.isEmpty()) {
            throw invalid("ErrorOutputPrefix cannot be null or empty when dynamic partitioning is enabled");
        }
        return new ObjectKeys(prefix, errorPrefix);
    }

    private static AwsServiceException invalid(String rule) {
        return FirehoseError.INVALID_ARGUMENT.exception(PREFIX_RULE + rule);
    }

    PrefixTemplate prefix() {
        return prefix;
    }

    /** The evaluated success prefix; throws IllegalArgumentException when a partition key is missing. */
    String successPrefix(Instant oldestArrival, ZoneId zone, Map<String, String> partitionKeys) {
        ZonedDateTime time = ZonedDateTime.ofInstant(oldestArrival, zone);
        if (prefix.isEmpty()) {
            return DEFAULT_PREFIX.format(time);
        }
        String evaluated = prefix.evaluate(oldestArrival, zone, partitionKeys, null);
        if (!prefix.has(PrefixTemplate.Timestamp.class) && !prefix.has(PrefixTemplate.PartitionKey.class)) {
            evaluated += DEFAULT_PREFIX.format(time);
        }
        return evaluated;
    }

    /** The evaluated error prefix for records that failed with {@code errorOutputType}. */
    String errorPrefix(Instant oldestArrival, ZoneId zone, String errorOutputType) {
        if (errorOutputPrefix.isEmpty()) {
            // Only possible when Prefix has no expressions: <Prefix><error-output-type>/yyyy/MM/dd/HH/
            return prefix.source() + errorOutputType + "/" + DEFAULT_PREFIX.format(ZonedDateTime.ofInstant(oldestArrival, zone));
        }
        return errorOutputPrefix.evaluate(oldestArrival, zone, Map.of(), errorOutputType);
    }

    /** {@code <stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>}. */
    static String suffix(String streamName, long version, Instant oldestArrival, ZoneId zone, String extension) {
        return streamName + "-" + version + "-" + SUFFIX_TIME.format(ZonedDateTime.ofInstant(oldestArrival, zone)) + "-"
                + UUID.randomUUID() + extension;
    }
}

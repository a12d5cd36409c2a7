package memberstream.engine.firehose;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Firehose S3 {@code Prefix} or {@code ErrorOutputPrefix}: literal text and {@code !{namespace:value}}
 * expressions, parsed once and evaluated per object. Namespaces: {@code timestamp} (a
 * {@link DateTimeFormatter} pattern applied to the arrival time of the oldest record in the object),
 * {@code firehose} ({@code random-string}, {@code error-output-type}), {@code partitionKeyFromQuery}
 * and {@code partitionKeyFromLambda}. Immutable and thread-safe.
 */
final class PrefixTemplate {

    static final String DEFAULT_TIME_PATTERN = "yyyy/MM/dd/HH/";
    static final int MAX_EVALUATED_LENGTH = 512;

    /** One piece of a template. */
    sealed interface Part permits Literal, Timestamp, RandomString, ErrorOutputType, PartitionKey {
    }

    record Literal(String text) implements Part {
    }

    record Timestamp(DateTimeFormatter formatter) implements Part {
    }

    record RandomString() implements Part {
    }

    record ErrorOutputType() implements Part {
    }

    record PartitionKey(String name, boolean fromLambda) implements Part {
    }

    private final String source;
    private final List<Part> parts;

    private PrefixTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    /** Parses a prefix, or throws {@link InvalidPrefixException} naming the broken rule. */
    static PrefixTemplate parse(String source) {
        String text = source == null ? "" : source;
        List<Part> parts = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int open = text.indexOf("!{", at);
            if (open < 0) {
                parts.add(new Literal(text.substring(at)));
                break;
            }
            if (open > at) {
                parts.add(new Literal(text.substring(at, open)));
            }
            int close = text.indexOf('}', open);
            if (close < 0) {
                throw new InvalidPrefixException("The sequence !{ can only appear in !{namespace:value} expressions");
            }
            String expression = text.substring(open + 2, close);
            int colon = expression.indexOf(':');
            if (colon <= 0) {
                throw new InvalidPrefixException("Invalid expression !{" + expression + "}: expressions take the form "
                        + "!{namespace:value}");
            }
            parts.add(expression(expression.substring(0, colon), expression.substring(colon + 1)));
            at = close + 1;
        }
        return new PrefixTemplate(text, parts);
    }

    private static Part expression(String namespace, String value) {
        switch (namespace) {
            case "timestamp" -> {
                if (value.isEmpty()) {
                    throw new InvalidPrefixException("The timestamp namespace needs a DateTimeFormatter pattern");
                }
                try {
                    DateTimeFormatter formatter = DateTimeFormatter.ofPattern(value);
                    formatter.format(ZonedDateTime.ofInstant(Instant.EPOCH, ZoneId.of("UTC")));
                    return new Timestamp(formatter);
                } catch (IllegalArgumentException | java.time.DateTimeException e) {
                    throw new InvalidPrefixException("Invalid timestamp format '" + value + "': " + e.getMessage());
                }
            }
            case "firehose" -> {
                return switch (value) {
                    case "random-string" -> new RandomString();
                    case "error-output-type" -> new ErrorOutputType();
                    default -> throw new InvalidPrefixException("Invalid firehose namespace value '" + value
                            + "'; valid values are random-string and error-output-type");
                };
            }
            case "partitionKeyFromQuery", "partitionKeyFromLambda" -> {
                if (value.isEmpty()) {
                    throw new InvalidPrefixException("The " + namespace + " namespace needs a key name");
                }
                return new PartitionKey(value, namespace.equals("partitionKeyFromLambda"));
            }
            default -> throw new InvalidPrefixException("Invalid namespace '" + namespace + "'; valid namespaces are "
                    + "timestamp, firehose, partitionKeyFromQuery and partitionKeyFromLambda");
        }
    }

    String source() {
        return source;
    }

    boolean isEmpty() {
        return source.isEmpty();
    }

    boolean hasExpressions() {
        return parts.stream().anyMatch(part -> !(part instanceof Literal));
    }

    boolean has(Class<? extends Part> kind) {
        return parts.stream().anyMatch(kind::isInstance);
    }

    boolean hasLambdaPartitionKeys() {
        return parts.stream().anyMatch(part -> part instanceof PartitionKey key && key.fromLambda());
    }

    Set<String> partitionKeyNames() {
        Set<String> names = new TreeSet<>();
        for (Part part : parts) {
            if (part instanceof PartitionKey key) {
                names.add(key.name());
            }
        }
        return names;
    }

    /**
     * Evaluates the template. {@code partitionKeys} may be empty when the template has none;
     * {@code errorOutputType} may be null for the success prefix.
     */
    String evaluate(Instant oldestArrival, ZoneId zone, Map<String, String> partitionKeys, String errorOutputType) {
        ZonedDateTime time = ZonedDateTime.ofInstant(oldestArrival, zone);
        StringBuilder out = new StringBuilder(source.length() + 32);
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                out.append(literal.text());
            } else if (part instanceof Timestamp timestamp) {
                out.append(timestamp.formatter().format(time));
            } else if (part instanceof RandomString) {
                appendRandomString(out);
            } else if (part instanceof ErrorOutputType) {
                out.append(errorOutputType == null ? "" : errorOutputType);
            } else if (part instanceof PartitionKey key) {
                String value = partitionKeys.get(key.name());
                if (value == null) {
                    throw new IllegalArgumentException("No value for partition key " + key.name());
                }
                out.append(value);
            }
        }
        return out.toString();
    }

    private static final String RANDOM_STRING_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static final int RANDOM_STRING_LENGTH = 11;

    /** {@code !{firehose:random-string}}: 11 letters and digits, as Firehose writes it. */
    private static void appendRandomString(StringBuilder out) {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < RANDOM_STRING_LENGTH; i++) {
            out.append(RANDOM_STRING_CHARACTERS.charAt(random.nextInt(RANDOM_STRING_CHARACTERS.length())));
        }
    }

    /** A prefix that breaks one of Firehose's rules; the message is the rule. */
    static final class InvalidPrefixException extends RuntimeException {
        InvalidPrefixException(String message) {
            super(message);
        }
    }
}

package memberstream.engine.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tag rules Kinesis applies beyond the model's lengths (which {@link KinesisRules} checks): at most
 * {@link #MAX_TAGS} tags a stream, and keys and values of Unicode letters, digits, white space and
 * {@code _ . / = + - @ :} only. The API reference also lists {@code %}, but Kinesis refuses it with a
 * message of its own (seen from AWS, and the TagResource reference leaves it out); tab, newline,
 * {@code ;} and {@code ,} are refused. Stateless.
 */
final class StreamTags {

    static final int MAX_TAGS = 50;
    private static final String ACCOUNT = KinesisStore.ACCOUNT;

    private StreamTags() {
    }

    /** The request's {@code Tags} map, in order; empty when absent. */
    static Map<String, String> of(JsonNode tags) {
        Map<String, String> read = new LinkedHashMap<>();
        if (tags != null) {
            tags.fields().forEachRemaining(tag -> read.put(tag.getKey(), tag.getValue().asText()));
        }
        return read;
    }

    /**
     * Refuses tags with characters Kinesis does not allow. {@code action} names what failed, as the
     * message does: e.g. {@code "add tags to stream s"}.
     */
    static void checkCharacters(Map<String, String> tags, String action) {
        boolean percent = false;
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            for (String text : new String[] {tag.getKey(), tag.getValue()}) {
                int outside = firstOutside(text);
                if (outside >= 0) {
                    throw KinesisError.INVALID_ARGUMENT.exception("Some tags contain invalid characters. Valid characters: "
                            + "Unicode letters, digits, white space, _ . / = + - % @ :.");
                }
                percent |= text.indexOf('%') >= 0;
            }
        }
        if (percent) {
            throw KinesisError.INVALID_ARGUMENT.exception("Failed to " + action + " under account " + ACCOUNT
                    + " because some tags contained illegal characters. The allowed characters are Unicode letters, "
                    + "white-spaces, '_','.','/','=','+','-','@',':'.");
        }
    }

    /** Refuses a stream that would end up with more than {@link #MAX_TAGS} tags. */
    static void checkCount(int count, String action) {
        if (count > MAX_TAGS) {
            throw KinesisError.INVALID_ARGUMENT.exception("Failed to " + action + " under account " + ACCOUNT
                    + " because a given stream cannot have more than " + MAX_TAGS + " tags associated with it.");
        }
    }

    /**
     * The stream a TagResource/UntagResource/ListTagsForResource {@code ResourceARN} names, read by its
     * parts ({@code arn:<aws partition>:kinesis:<region>:<12 digits>:stream/<name>}) rather than by the
     * model's pattern, which backtracks on long input. A consumer ARN names nothing here (the engine
     * keeps no consumers yet).
     */
    static String streamOfResource(String arn) {
        String[] parts = arn.split(":", 6);
        boolean wellFormed = parts.length == 6 && parts[0].equals("arn") && parts[1].startsWith("aws")
                && parts[2].equals("kinesis") && parts[4].length() == 12 && parts[4].chars().allMatch(c -> c >= '0' && c <= '9')
                && parts[5].startsWith("stream/") && parts[5].length() > "stream/".length()
                && parts[5].chars().noneMatch(Character::isWhitespace);
        if (!wellFormed) {
            throw KinesisError.VALIDATION.exception("1 validation error detected: Value '" + abbreviate(arn)
                    + "' at 'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + "arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+");
        }
        String path = parts[5].substring("stream/".length());
        if (path.contains("/consumer/")) {
            throw KinesisError.RESOURCE_NOT_FOUND.exception("Consumer " + abbreviate(arn) + " under account " + ACCOUNT
                    + " not found.");
        }
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(0, slash);
    }

    private static String abbreviate(String text) {
        return text.length() > 256 ? text.substring(0, 256) + "..." : text;
    }

    /** Index of the first character outside letters, digits, white space and {@code _ . / = + - @ : %}; -1 if none. */
    private static int firstOutside(String text) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            boolean allowed = Character.isLetter(c) || Character.isDigit(c) || Character.isSpaceChar(c)
                    || "_./=+-@:%".indexOf(c) >= 0;
            if (!allowed) {
                return i;
            }
            i += Character.charCount(c);
        }
        return -1;
    }
}

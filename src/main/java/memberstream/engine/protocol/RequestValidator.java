package memberstream.engine.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a parsed body against an operation's {@link FieldRule}s. A member of the wrong JSON type is a
 * {@code SerializationException}; constraint failures are collected (at most ten) into one
 * {@code ValidationException} worded as AWS words them:
 * {@code 2 validation errors detected: Value null at 'streamName' failed to satisfy constraint:
 * Member must not be null; Value '0' at 'shardCount' failed ...}. Blob, list and map values are not
 * echoed back. Stateless and thread-safe.
 */
public final class RequestValidator {

    private static final int MAX_REPORTED = 10;

    private RequestValidator() {
    }

    /** Where a member sits, e.g. {@code records.2.member.data}; turned into text only for an error message. */
    private record Where(Where parent, String name, int index) {
        Where member(String child) {
            return new Where(this, lowerFirst(child), 0);
        }

        Where item(int oneBased) {
            return new Where(this, "member", oneBased);
        }

        @Override
        public String toString() {
            String prefix = parent == null ? "" : parent + ".";
            return index > 0 ? prefix + index + "." + name : prefix + name;
        }
    }

    public static void validate(JsonNode body, List<FieldRule> rules) {
        List<String> errors = new ArrayList<>();
        checkStructure(body, rules, null, errors);
        if (!errors.isEmpty()) {
            int count = errors.size();
            String message = count + " validation error" + (count > 1 ? "s" : "") + " detected: "
                    + String.join("; ", errors.subList(0, Math.min(count, MAX_REPORTED)));
            throw ProtocolError.VALIDATION.exception(message);
        }
    }

    private static void checkStructure(JsonNode node, List<FieldRule> rules, Where parent, List<String> errors) {
        for (FieldRule rule : rules) {
            JsonNode value = node.get(rule.name());
            if (value == null || value.isNull()) {
                if (rule.mandatory()) {
                    errors.add("Value null at '" + where(parent, rule) + "' failed to satisfy constraint: Member must not be null");
                }
                continue;
            }
            check(value, rule, parent, errors);
        }
    }

    private static Where where(Where parent, FieldRule rule) {
        return parent == null ? new Where(null, lowerFirst(rule.name()), 0) : parent.member(rule.name());
    }

    /** Checks one present value; {@code at} is lazily the path of the value itself. */
    private static void check(JsonNode value, FieldRule rule, Where parent, List<String> errors) {
        check(value, rule, new Lazy(parent, rule), errors);
    }

    /** The path of a value, computed only when a message needs it. */
    private static class Lazy {
        private final Where parent;
        private final FieldRule rule;
        private final int item;

        Lazy(Where parent, FieldRule rule) {
            this(parent, rule, 0);
        }

        Lazy(Where parent, FieldRule rule, int item) {
            this.parent = parent;
            this.rule = rule;
            this.item = item;
        }

        Where where() {
            return item > 0 ? parent.item(item) : RequestValidator.where(parent, rule);
        }

        @Override
        public String toString() {
            return where().toString();
        }
    }

    private static void check(JsonNode value, FieldRule rule, Lazy path, List<String> errors) {
        checkType(value, rule);
        switch (rule.kind()) {
            case STRING -> {
                String text = value.asText();
                String shown = echo(text);
                int before = errors.size();
                lengthCheck(text.length(), rule, "'" + shown + "' ", path, errors);
                // Sizes before patterns: a pattern only ever sees text of an allowed length.
                if (errors.size() == before && rule.pattern() != null && !rule.pattern().matches(text)) {
                    errors.add("Value '" + shown + "' at '" + path + "' failed to satisfy constraint: "
                            + "Member must satisfy regular expression pattern: " + rule.pattern().shown());
                }
                if (rule.enumValues() != null && !rule.enumValues().contains(text)) {
                    errors.add("Value '" + shown + "' at '" + path + "' failed to satisfy constraint: "
                            + "Member must satisfy enum value set: [" + String.join(", ", rule.enumValues()) + "]");
                }
            }
            case INTEGER, LONG -> {
                // Exact: 18446744073709551617 is not 1, and 2.5 is not 2.
                if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
                    errors.add("Value '" + echo(value.asText()) + "' at '" + path + "' failed to satisfy constraint: "
                            + "Member must be a finite number");
                    break;
                }
                java.math.BigDecimal number = value.decimalValue();
                String shown = echo(value.asText());
                long typeMin = rule.kind() == FieldRule.Kind.INTEGER ? Integer.MIN_VALUE : Long.MIN_VALUE;
                long typeMax = rule.kind() == FieldRule.Kind.INTEGER ? Integer.MAX_VALUE : Long.MAX_VALUE;
                long min = rule.min() != null ? rule.min() : typeMin;
                long max = rule.max() != null ? rule.max() : typeMax;
                if (number.stripTrailingZeros().scale() > 0) {
                    errors.add("Value '" + shown + "' at '" + path + "' failed to satisfy constraint: "
                            + "Member must be a whole number");
                } else if (number.compareTo(java.math.BigDecimal.valueOf(min)) < 0) {
                    errors.add("Value '" + shown + "' at '" + path + "' failed to satisfy constraint: "
                            + "Member must have value greater than or equal to " + min);
                } else if (number.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
                    errors.add("Value '" + shown + "' at '" + path + "' failed to satisfy constraint: "
                            + "Member must have value less than or equal to " + max);
                }
            }
            case BLOB -> lengthCheck(blobLength(value), rule, "", path, errors);
            case LIST -> {
                lengthCheck(value.size(), rule, "", path, errors);
                if (rule.member() != null) {
                    Where list = path.where();
                    for (int i = 0; i < value.size(); i++) {
                        JsonNode item = value.get(i);
                        Lazy at = new Lazy(list, rule.member(), i + 1);
                        if (item == null || item.isNull()) {
                            errors.add("Value null at '" + at + "' failed to satisfy constraint: Member must not be null");
                        } else {
                            check(item, rule.member(), at, errors);
                        }
                    }
                }
            }
            case MAP -> {
                lengthCheck(value.size(), rule, "", path, errors);
                Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> entry = fields.next();
                    if (rule.mapKey() != null) {
                        FieldRule key = rule.mapKey();
                        int length = entry.getKey().length();
                        if ((key.minLength() != null && length < key.minLength()) || (key.maxLength() != null && length > key.maxLength())) {
                            errors.add("Value '" + entry.getKey() + "' at '" + path + "' failed to satisfy constraint: "
                                    + "Map keys must satisfy constraint: [Member must have length less than or equal to "
                                    + key.maxLength() + ", Member must have length greater than or equal to " + key.minLength() + "]");
                        }
                    }
                    if (rule.mapValue() != null && entry.getValue() != null && !entry.getValue().isNull()) {
                        Where mapWhere = path.where();
                        check(entry.getValue(), rule.mapValue(), new Lazy(new Where(mapWhere, entry.getKey(), 0), rule.mapValue(), 0) {
                            @Override
                            Where where() {
                                return new Where(new Where(mapWhere, entry.getKey(), 0), "member", 0);
                            }
                        }, errors);
                    }
                }
            }
            case STRUCTURE -> checkStructure(value, rule.children(), path.where(), errors);
            case TIMESTAMP -> {
                if (!WireCodec.isTimestamp(value)) {
                    throw ProtocolError.SERIALIZATION.exception("'" + abbreviate(value.asText())
                            + "' can not be converted to a Timestamp");
                }
            }
            case BOOLEAN -> {
            }
        }
    }

    private static void lengthCheck(long length, FieldRule rule, String shown, Lazy path, List<String> errors) {
        String value = shown.isEmpty() ? "Value at '" : "Value " + shown + "at '";
        if (rule.minLength() != null && length < rule.minLength()) {
            errors.add(value + path + "' failed to satisfy constraint: Member must have length greater than or equal to " + rule.minLength());
        }
        if (rule.maxLength() != null && length > rule.maxLength()) {
            errors.add(value + path + "' failed to satisfy constraint: Member must have length less than or equal to " + rule.maxLength());
        }
    }

    private static long blobLength(JsonNode value) {
        if (value.isBinary()) {
            return WireCodec.blob(value).length;
        }
        String text = value.asText();
        int padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
        return (long) text.length() / 4 * 3 - padding;
    }

    private static void checkType(JsonNode value, FieldRule rule) {
        String problem = switch (rule.kind()) {
            case STRING -> value.isTextual() ? null : typeName(value) + " can not be converted to an String";
            case INTEGER, LONG -> value.isNumber() ? null : typeName(value) + " can not be converted to an "
                    + (rule.kind() == FieldRule.Kind.INTEGER ? "Integer" : "Long");
            case BOOLEAN -> value.isBoolean() ? null : typeName(value) + " can not be converted to an Boolean";
            case BLOB -> value.isBinary() ? null : value.isTextual() ? base64Problem(value.asText())
                    : typeName(value) + " can not be converted to a Blob";
            case TIMESTAMP -> value.isNumber() || value.isTextual() ? null : typeName(value) + " can not be converted to a Timestamp";
            case LIST -> value.isArray() ? null : "Expected list or null";
            case MAP, STRUCTURE -> value.isObject() ? null : value.isArray() ? "Start of list found where not expected"
                    : "Expected map or null";
        };
        if (problem != null) {
            throw ProtocolError.SERIALIZATION.exception(problem);
        }
    }

    private static String base64Problem(String text) {
        if (text.length() % 4 != 0) {
            return "'" + abbreviate(text) + "' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: " + text.length();
        }
        // Characters are checked when the blob is decoded (WireCodec.blob), to decode only once.
        return null;
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    /** A value as echoed in a message: whole unless it is far longer than any member allows. */
    private static String echo(String text) {
        return text.length() > 4096 ? text.substring(0, 4096) + "..." : text;
    }

    private static String typeName(JsonNode value) {
        if (value.isBoolean()) {
            return "class java.lang.Boolean";
        }
        if (value.isNumber()) {
            return "class java.math.BigDecimal";
        }
        if (value.isTextual()) {
            return "class java.lang.String";
        }
        if (value.isArray()) {
            return "Start of list found where not expected;";
        }
        return "Start of structure or map found where not expected;";
    }

    static String lowerFirst(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}

package memberstream.engine.protocol;

import java.util.List;

/**
 * One member of a request shape and its constraints, as the API model states them. A service
 * declares a list of these per operation; {@link RequestValidator} checks a body against it and
 * words the failures as AWS does. Immutable: each "with" method returns a new rule.
 */
public record FieldRule(String name, Kind kind, boolean mandatory, Long minLength, Long maxLength,
                        TextPattern pattern, Long min, Long max, List<String> enumValues,
                        FieldRule member, List<FieldRule> children, FieldRule mapKey, FieldRule mapValue) {

    public enum Kind { STRING, INTEGER, LONG, BOOLEAN, BLOB, TIMESTAMP, LIST, MAP, STRUCTURE }

    public static FieldRule string(String name) {
        return new FieldRule(name, Kind.STRING, false, null, null, null, null, null, null, null, null, null, null);
    }

    public static FieldRule integer(String name) {
        return new FieldRule(name, Kind.INTEGER, false, null, null, null, null, null, null, null, null, null, null);
    }

    public static FieldRule longValue(String name) {
        return new FieldRule(name, Kind.LONG, false, null, null, null, null, null, null, null, null, null, null);
    }

    public static FieldRule bool(String name) {
        return new FieldRule(name, Kind.BOOLEAN, false, null, null, null, null, null, null, null, null, null, null);
    }

    public static FieldRule blob(String name) {
        return new FieldRule(name, Kind.BLOB, false, null, null, null, null, null, null, null, null, null, null);
    }

    public static FieldRule timestamp(String name) {
        return new FieldRule(name, Kind.TIMESTAMP, false, null, null, null, null, null, null, null, null, null, null);
    }

    /** A list whose items follow {@code member} (its name is ignored; paths read {@code name.1.member}). */
    public static FieldRule list(String name, FieldRule member) {
        return new FieldRule(name, Kind.LIST, false, null, null, null, null, null, null, member, null, null, null);
    }

    public static FieldRule map(String name, FieldRule key, FieldRule value) {
        return new FieldRule(name, Kind.MAP, false, null, null, null, null, null, null, null, null, key, value);
    }

    public static FieldRule structure(String name, FieldRule... children) {
        return new FieldRule(name, Kind.STRUCTURE, false, null, null, null, null, null, null, null, List.of(children), null, null);
    }

    /** The same constraints under another member name. */
    public FieldRule withName(String newName) {
        return new FieldRule(newName, kind, mandatory, minLength, maxLength, pattern, min, max, enumValues, member, children, mapKey, mapValue);
    }

    public FieldRule required() {
        return new FieldRule(name, kind, true, minLength, maxLength, pattern, min, max, enumValues, member, children, mapKey, mapValue);
    }

    /** Length of a string (characters), blob (bytes), list or map (entries). */
    public FieldRule length(long minimum, long maximum) {
        return new FieldRule(name, kind, mandatory, minimum, maximum, pattern, min, max, enumValues, member, children, mapKey, mapValue);
    }

    /** A pattern that cannot backtrack badly (see {@link TextPattern#regex}). */
    public FieldRule pattern(String regex) {
        return pattern(TextPattern.regex(regex));
    }

    public FieldRule pattern(TextPattern textPattern) {
        return new FieldRule(name, kind, mandatory, minLength, maxLength, textPattern, min, max, enumValues, member, children, mapKey, mapValue);
    }

    public FieldRule range(long minimum, long maximum) {
        return new FieldRule(name, kind, mandatory, minLength, maxLength, pattern, minimum, maximum, enumValues, member, children, mapKey, mapValue);
    }

    public FieldRule oneOf(String... values) {
        return new FieldRule(name, kind, mandatory, minLength, maxLength, pattern, min, max, List.of(values), member, children, mapKey, mapValue);
    }
}

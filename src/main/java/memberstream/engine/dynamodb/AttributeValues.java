package memberstream.engine.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB attribute values as they travel in JSON: an object with exactly one member naming the type
 * ({@code S}, {@code N}, {@code B}, {@code SS}, {@code NS}, {@code BS}, {@code M}, {@code L}, {@code NULL},
 * {@code BOOL}). Items are {@code ObjectNode}s of such values by attribute name. Values held by the store
 * are never mutated after validation (writers copy first), so they may be shared between threads.
 */
final class AttributeValues {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** DynamoDB's largest item, names and values counted. */
    static final int MAX_ITEM_BYTES = 400 * 1024;
    private static final int MAX_DEPTH = 32;
    private static final Set<String> TYPES = Set.of("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL");

    private AttributeValues() {
    }

    /** The type name of a validated value. */
    static String type(JsonNode value) {
        return value.fieldNames().next();
    }

    /** Checks a value from a client and returns a normalized copy; throws ValidationException worded as DynamoDB does. */
    static JsonNode validated(JsonNode value) {
        return validated(value, 0);
    }

    private static JsonNode validated(JsonNode value, int depth) {
        if (depth > MAX_DEPTH) {
            throw DynamoDbError.invalid("Nesting Levels have exceeded supported limits: Attribute value nesting levels exceed the maximum of 32.");
        }
        if (value == null || !value.isObject() || value.size() != 1) {
            throw DynamoDbError.invalid("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        String type = value.fieldNames().next();
        JsonNode inner = value.get(type);
        if (!TYPES.contains(type)) {
            throw DynamoDbError.invalid("Supplied AttributeValue has an unknown datatype: " + type);
        }
        ObjectNode copy = NODES.objectNode();
        switch (type) {
            case "S" -> copy.put("S", text(inner, type));
            case "N" -> copy.put("N", number(text(inner, type)));
            case "B" -> copy.put("B", Base64.getEncoder().encodeToString(binary(inner)));
            case "BOOL" -> {
                if (!inner.isBoolean()) {
                    throw DynamoDbError.invalid("Supplied AttributeValue BOOL is not a boolean");
                }
                copy.put("BOOL", inner.booleanValue());
            }
            case "NULL" -> {
                if (!inner.isBoolean() || !inner.booleanValue()) {
                    throw DynamoDbError.invalid("One or more parameter values were invalid: Null attribute value types must have the value of true");
                }
                copy.put("NULL", true);
            }
            case "SS", "NS", "BS" -> copy.set(type, set(type, inner));
            case "L" -> {
                if (!inner.isArray()) {
                    throw DynamoDbError.invalid("Supplied AttributeValue L is not a list");
                }
                ArrayNode list = copy.putArray("L");
                inner.forEach(member -> list.add(validated(member, depth + 1)));
            }
            default -> {
                if (!inner.isObject()) {
                    throw DynamoDbError.invalid("Supplied AttributeValue M is not a map");
                }
                ObjectNode map = copy.putObject("M");
                inner.fields().forEachRemaining(e -> map.set(e.getKey(), validated(e.getValue(), depth + 1)));
            }
        }
        return copy;
    }

    private static String text(JsonNode inner, String type) {
        if (inner == null || !inner.isTextual()) {
            throw DynamoDbError.invalid("Supplied AttributeValue " + type + " is not a string");
        }
        return inner.textValue();
    }

    static byte[] binary(JsonNode inner) {
        if (inner == null || !(inner.isTextual() || inner.isBinary())) {
            throw DynamoDbError.invalid("Supplied AttributeValue B is not a binary value");
        }
        try {
            return inner.isBinary() ? inner.binaryValue() : Base64.getDecoder().decode(inner.textValue());
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw DynamoDbError.invalid("Invalid Base64 in a binary attribute value");
        }
    }

    static String number(String text) {
        BigDecimal number;
        try {
            if (text.length() > 64) {
                throw new NumberFormatException();
            }
            number = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw DynamoDbError.invalid("The parameter cannot be converted to a numeric value: " + clip(text));
        }
        if (number.precision() > 38) {
            throw DynamoDbError.invalid("Attempting to store more than 38 significant digits in a Number");
        }
        if (number.signum() != 0 && (number.precision() - number.scale() - 1 > 125 || number.precision() - number.scale() - 1 < -130)) {
            throw DynamoDbError.invalid("Number overflow. Attempting to store a number with magnitude larger than supported range");
        }
        return number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString();
    }

    private static ArrayNode set(String type, JsonNode inner) {
        if (inner == null || !inner.isArray()) {
            throw DynamoDbError.invalid("Supplied AttributeValue " + type + " is not a list");
        }
        if (inner.isEmpty()) {
            String word = switch (type) {
                case "SS" -> "string";
                case "NS" -> "number";
                default -> "binary";
            };
            throw DynamoDbError.invalid("One or more parameter values were invalid: An " + word + " set  may not be empty");
        }
        ArrayNode out = NODES.arrayNode();
        Set<String> seen = new HashSet<>();
        for (JsonNode member : inner) {
            String value = switch (type) {
                case "SS" -> text(member, "SS");
                case "NS" -> number(text(member, "NS"));
                default -> Base64.getEncoder().encodeToString(binary(member));
            };
            if (!seen.add(value)) {
                throw DynamoDbError.invalid("One or more parameter values were invalid: Input collection " + clip(inner.toString())
                        + " contains duplicates.");
            }
            out.add(value);
        }
        return out;
    }

    static String clip(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    /** A validated item: an object of validated values; attribute names 1..65535 bytes. */
    static ObjectNode validatedItem(JsonNode item, String member) {
        if (item == null || !item.isObject()) {
            throw DynamoDbError.invalid("1 validation error detected: Value null at '" + member + "' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        ObjectNode copy = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().isEmpty()) {
                throw DynamoDbError.invalid("One or more parameter values were invalid: An AttributeValue may not contain an empty attribute name");
            }
            copy.set(entry.getKey(), validated(entry.getValue()));
        }
        return copy;
    }

    /** Equality as DynamoDB's {@code =}: same type and value; numbers by value, sets regardless of order. */
    static boolean equal(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return false;
        }
        String type = type(a);
        if (!type.equals(type(b))) {
            return false;
        }
        return switch (type) {
            case "N" -> new BigDecimal(a.get("N").textValue()).compareTo(new BigDecimal(b.get("N").textValue())) == 0;
            case "SS", "BS" -> setOf(a.get(type)).equals(setOf(b.get(type)));
            case "NS" -> numbers(a.get(type)).equals(numbers(b.get(type)));
            case "L" -> {
                JsonNode la = a.get("L");
                JsonNode lb = b.get("L");
                if (la.size() != lb.size()) {
                    yield false;
                }
                for (int i = 0; i < la.size(); i++) {
                    if (!equal(la.get(i), lb.get(i))) {
                        yield false;
                    }
                }
                yield true;
            }
            case "M" -> {
                JsonNode ma = a.get("M");
                JsonNode mb = b.get("M");
                if (ma.size() != mb.size()) {
                    yield false;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = ma.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!equal(e.getValue(), mb.get(e.getKey()))) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> a.equals(b);
        };
    }

    static Set<String> setOf(JsonNode array) {
        Set<String> set = new HashSet<>();
        array.forEach(n -> set.add(n.textValue()));
        return set;
    }

    private static Set<BigDecimal> numbers(JsonNode array) {
        Set<BigDecimal> set = new HashSet<>();
        array.forEach(n -> set.add(new BigDecimal(n.textValue()).stripTrailingZeros()));
        return set;
    }

    /** Order of two scalars of one type (S by UTF-8 bytes, N by value, B unsigned bytes); null if not comparable. */
    static Integer compare(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return null;
        }
        String type = type(a);
        if (!type.equals(type(b))) {
            return null;
        }
        return switch (type) {
            case "S" -> Arrays.compareUnsigned(a.get("S").textValue().getBytes(StandardCharsets.UTF_8),
                    b.get("S").textValue().getBytes(StandardCharsets.UTF_8));
            case "N" -> new BigDecimal(a.get("N").textValue()).compareTo(new BigDecimal(b.get("N").textValue()));
            case "B" -> Arrays.compareUnsigned(binary(a.get("B")), binary(b.get("B")));
            default -> null;
        };
    }

    /** DynamoDB's size of a value in bytes (close to its billing rules). */
    static long size(JsonNode value) {
        String type = type(value);
        JsonNode inner = value.get(type);
        return switch (type) {
            case "S" -> inner.textValue().getBytes(StandardCharsets.UTF_8).length;
            case "N" -> (inner.textValue().length() + 1) / 2 + 1;
            case "B" -> binary(inner).length;
            case "BOOL", "NULL" -> 1;
            case "SS", "NS", "BS" -> {
                long total = 0;
                for (JsonNode member : inner) {
                    total += "BS".equals(type) ? binary(member).length : member.textValue().getBytes(StandardCharsets.UTF_8).length;
                }
                yield total;
            }
            case "L" -> {
                long total = 3;
                for (JsonNode member : inner) {
                    total += size(member) + 1;
                }
                yield total;
            }
            default -> {
                long total = 3;
                for (Iterator<Map.Entry<String, JsonNode>> it = inner.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    total += e.getKey().getBytes(StandardCharsets.UTF_8).length + size(e.getValue()) + 1;
                }
                yield total;
            }
        };
    }

    static long itemSize(ObjectNode item) {
        long total = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            total += e.getKey().getBytes(StandardCharsets.UTF_8).length + size(e.getValue());
        }
        return total;
    }

    static void checkItemSize(ObjectNode item) {
        if (itemSize(item) > MAX_ITEM_BYTES) {
            throw DynamoDbError.invalid("Item size has exceeded the maximum allowed size");
        }
    }

    /** A tree as plain Java values for the wire writer (numbers stay strings: DynamoDB sends them so). */
    static Object toWire(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), toWire(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(member -> list.add(toWire(member)));
            return list;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        return node.asText();
    }

    static ObjectNode string(String value) {
        return NODES.objectNode().put("S", value);
    }
}

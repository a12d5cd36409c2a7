package memberstream.engine.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parsed forms of DynamoDB's expressions (condition, filter, key condition, update, projection) and
 * how they evaluate against an item ({@link AttributeValues} objects by name). Parsed by
 * {@link ExpressionParser}; every node is immutable. Evaluation reads the item and, for updates, changes a
 * private copy; callers hold the store's lock.
 */
final class Expression {

    private Expression() {
    }

    /** A document path: attribute names ({@code String}) and list indexes ({@code Integer}). */
    record Path(List<Object> elements) {

        String top() {
            return (String) elements.get(0);
        }

        JsonNode get(ObjectNode item) {
            JsonNode current = item.get(top());
            for (int i = 1; i < elements.size() && current != null; i++) {
                Object element = elements.get(i);
                if (element instanceof String name) {
                    JsonNode map = current.get("M");
                    current = map == null ? null : map.get(name);
                } else {
                    JsonNode list = current.get("L");
                    int index = (Integer) element;
                    current = list == null || index >= list.size() ? null : list.get(index);
                }
            }
            return current;
        }

        /** Sets the value at this path in {@code item} (mutated); the parent must exist. */
        void set(ObjectNode item, JsonNode value) {
            if (elements.size() == 1) {
                item.set(top(), value);
                return;
            }
            JsonNode parent = parent().get(item);
            Object last = elements.get(elements.size() - 1);
            if (parent != null && last instanceof String name && parent.get("M") instanceof ObjectNode map) {
                map.set(name, value);
            } else if (parent != null && last instanceof Integer index && parent.get("L") instanceof ArrayNode list) {
                if (index < list.size()) {
                    list.set(index, value);
                } else {
                    list.add(value);
                }
            } else {
                throw DynamoDbError.invalid("The document path provided in the update expression is invalid for update");
            }
        }

        void remove(ObjectNode item) {
            if (elements.size() == 1) {
                item.remove(top());
                return;
            }
            JsonNode parent = parent().get(item);
            Object last = elements.get(elements.size() - 1);
            if (parent != null && last instanceof String name && parent.get("M") instanceof ObjectNode map) {
                map.remove(name);
            } else if (parent != null && last instanceof Integer index && parent.get("L") instanceof ArrayNode list) {
                if (index < list.size()) {
                    list.remove(index.intValue());
                }
            }
        }

        Path parent() {
            return new Path(elements.subList(0, elements.size() - 1));
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            for (Object element : elements) {
                if (element instanceof Integer index) {
                    text.append('[').append(index).append(']');
                } else {
                    text.append(text.isEmpty() ? "" : ".").append(element);
                }
            }
            return text.toString();
        }
    }

    /** A value in an expression; {@link #value} is null when it names a missing attribute. */
    sealed interface Operand permits PathOperand, Literal, Size, IfNotExists, ListAppend, Arithmetic {
        JsonNode value(ObjectNode item);
    }

    record PathOperand(Path path) implements Operand {
        public JsonNode value(ObjectNode item) {
            return path.get(item);
        }
    }

    record Literal(JsonNode literal) implements Operand {
        public JsonNode value(ObjectNode item) {
            return literal;
        }
    }

    record Size(Path path) implements Operand {
        public JsonNode value(ObjectNode item) {
            JsonNode value = path.get(item);
            if (value == null) {
                return null;
            }
            String type = AttributeValues.type(value);
            long size = switch (type) {
                case "S", "B" -> AttributeValues.size(value);
                case "SS", "NS", "BS", "L", "M" -> value.get(type).size();
                default -> -1;
            };
            return size < 0 ? null : AttributeValues.NODES.objectNode().put("N", Long.toString(size));
        }
    }

    record IfNotExists(Path path, Operand fallback) implements Operand {
        public JsonNode value(ObjectNode item) {
            JsonNode value = path.get(item);
            return value != null ? value : required(fallback, item);
        }
    }

    record ListAppend(Operand first, Operand second) implements Operand {
        public JsonNode value(ObjectNode item) {
            JsonNode a = required(first, item);
            JsonNode b = required(second, item);
            if (!a.has("L") || !b.has("L")) {
                throw DynamoDbError.invalid("Invalid UpdateExpression: Incorrect operand type for operator or function; "
                        + "operator or function: list_append, operand type: " + AttributeValues.type(a.has("L") ? b : a));
            }
            ObjectNode joined = AttributeValues.NODES.objectNode();
            ArrayNode list = joined.putArray("L");
            list.addAll((ArrayNode) a.get("L").deepCopy());
            list.addAll((ArrayNode) b.get("L").deepCopy());
            return joined;
        }
    }

    record Arithmetic(Operand left, char operator, Operand right) implements Operand {
        public JsonNode value(ObjectNode item) {
            JsonNode a = required(left, item);
            JsonNode b = required(right, item);
            if (!a.has("N") || !b.has("N")) {
                throw DynamoDbError.invalid("An operand in the update expression has an incorrect data type");
            }
            BigDecimal x = new BigDecimal(a.get("N").textValue());
            BigDecimal y = new BigDecimal(b.get("N").textValue());
            String result = AttributeValues.number((operator == '+' ? x.add(y) : x.subtract(y)).toPlainString());
            return AttributeValues.NODES.objectNode().put("N", result);
        }
    }

    static JsonNode required(Operand operand, ObjectNode item) {
        JsonNode value = operand.value(item);
        if (value == null) {
            throw DynamoDbError.invalid("The provided expression refers to an attribute that does not exist in the item");
        }
        return value;
    }

    /** A condition (ConditionExpression, FilterExpression, KeyConditionExpression). */
    sealed interface Condition permits Compare, Between, In, And, Or, Not, Function {
        boolean test(ObjectNode item);
    }

    record Compare(Operand left, String operator, Operand right) implements Condition {
        public boolean test(ObjectNode item) {
            JsonNode a = left.value(item);
            JsonNode b = right.value(item);
            if ("=".equals(operator)) {
                return AttributeValues.equal(a, b);
            }
            if ("<>".equals(operator)) {
                return a == null || b == null || !AttributeValues.equal(a, b);
            }
            Integer order = AttributeValues.compare(a, b);
            if (order == null) {
                return false;
            }
            return switch (operator) {
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                default -> order >= 0;
            };
        }
    }

    record Between(Operand value, Operand low, Operand high) implements Condition {
        public boolean test(ObjectNode item) {
            JsonNode v = value.value(item);
            JsonNode lo = low.value(item);
            JsonNode hi = high.value(item);
            Integer bounds = AttributeValues.compare(lo, hi);
            if (bounds != null && bounds > 0) {
                throw DynamoDbError.invalid("Invalid ConditionExpression: The BETWEEN operator requires upper bound to be "
                        + "greater than or equal to lower bound; lower bound operand: AttributeValue: " + lo
                        + ", upper bound operand: AttributeValue: " + hi);
            }
            Integer above = AttributeValues.compare(v, lo);
            Integer below = AttributeValues.compare(v, hi);
            return above != null && below != null && above >= 0 && below <= 0;
        }
    }

    record In(Operand value, List<Operand> options) implements Condition {
        public boolean test(ObjectNode item) {
            JsonNode v = value.value(item);
            for (Operand option : options) {
                if (AttributeValues.equal(v, option.value(item))) {
                    return true;
                }
            }
            return false;
        }
    }

    record And(Condition left, Condition right) implements Condition {
        public boolean test(ObjectNode item) {
            return left.test(item) && right.test(item);
        }
    }

    record Or(Condition left, Condition right) implements Condition {
        public boolean test(ObjectNode item) {
            return left.test(item) || right.test(item);
        }
    }

    record Not(Condition inner) implements Condition {
        public boolean test(ObjectNode item) {
            return !inner.test(item);
        }
    }

    /** attribute_exists, attribute_not_exists, attribute_type, begins_with, contains. */
    record Function(String name, Path path, Operand argument) implements Condition {
        public boolean test(ObjectNode item) {
            JsonNode value = path.get(item);
            return switch (name) {
                case "attribute_exists" -> value != null;
                case "attribute_not_exists" -> value == null;
                case "attribute_type" -> {
                    JsonNode type = argument.value(item);
                    if (type == null || !type.has("S")) {
                        throw DynamoDbError.invalid("Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: attribute_type, operand type: " + (type == null ? "null" : AttributeValues.type(type)));
                    }
                    yield value != null && AttributeValues.type(value).equals(type.get("S").textValue());
                }
                case "begins_with" -> beginsWith(value, argument.value(item));
                default -> contains(value, argument.value(item));
            };
        }

        private static boolean beginsWith(JsonNode value, JsonNode prefix) {
            if (value == null || prefix == null) {
                return false;
            }
            if (value.has("S") && prefix.has("S")) {
                return value.get("S").textValue().startsWith(prefix.get("S").textValue());
            }
            if (value.has("B") && prefix.has("B")) {
                byte[] v = AttributeValues.binary(value.get("B"));
                byte[] p = AttributeValues.binary(prefix.get("B"));
                return v.length >= p.length && Arrays.equals(v, 0, p.length, p, 0, p.length);
            }
            return false;
        }

        private static boolean contains(JsonNode value, JsonNode operand) {
            if (value == null || operand == null) {
                return false;
            }
            String type = AttributeValues.type(value);
            String operandType = AttributeValues.type(operand);
            return switch (type) {
                case "S" -> "S".equals(operandType) && value.get("S").textValue().contains(operand.get("S").textValue());
                case "SS", "NS", "BS" -> operandType.equals(type.substring(0, 1)) && setContains(value.get(type), operand);
                case "L" -> {
                    for (JsonNode member : value.get("L")) {
                        if (AttributeValues.equal(member, operand)) {
                            yield true;
                        }
                    }
                    yield false;
                }
                default -> false;
            };
        }

        private static boolean setContains(JsonNode set, JsonNode operand) {
            String type = AttributeValues.type(operand);
            for (JsonNode member : set) {
                if (AttributeValues.equal(AttributeValues.NODES.objectNode().set(type, member), operand)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One clause of an update expression. */
    sealed interface Action permits SetAction, RemoveAction, AddAction, DeleteAction {
        Path path();

        /** Applies the action to {@code item} (a private copy); {@code before} is the item as it was. */
        void apply(ObjectNode before, ObjectNode item);
    }

    record SetAction(Path path, Operand value) implements Action {
        public void apply(ObjectNode before, ObjectNode item) {
            path.set(item, required(value, before).deepCopy());
        }
    }

    record RemoveAction(Path path) implements Action {
        public void apply(ObjectNode before, ObjectNode item) {
            path.remove(item);
        }
    }

    record AddAction(Path path, JsonNode value) implements Action {
        public void apply(ObjectNode before, ObjectNode item) {
            JsonNode current = path.get(item);
            String type = AttributeValues.type(value);
            if (!Set.of("N", "SS", "NS", "BS").contains(type)) {
                throw DynamoDbError.invalid("Invalid UpdateExpression: Incorrect operand type for operator or function; "
                        + "operator: ADD, operand type: " + type);
            }
            if (current == null) {
                path.set(item, value.deepCopy());
                return;
            }
            if (!AttributeValues.type(current).equals(type)) {
                throw DynamoDbError.invalid("An operand in the update expression has an incorrect data type");
            }
            if ("N".equals(type)) {
                BigDecimal sum = new BigDecimal(current.get("N").textValue()).add(new BigDecimal(value.get("N").textValue()));
                path.set(item, AttributeValues.NODES.objectNode().put("N", AttributeValues.number(sum.toPlainString())));
            } else {
                Set<String> union = new LinkedHashSet<>(textList(current.get(type)));
                union.addAll(textList(value.get(type)));
                path.set(item, setValue(type, union));
            }
        }
    }

    record DeleteAction(Path path, JsonNode value) implements Action {
        public void apply(ObjectNode before, ObjectNode item) {
            String type = AttributeValues.type(value);
            if (!Set.of("SS", "NS", "BS").contains(type)) {
                throw DynamoDbError.invalid("Invalid UpdateExpression: Incorrect operand type for operator or function; "
                        + "operator: DELETE, operand type: " + type);
            }
            JsonNode current = path.get(item);
            if (current == null) {
                return;
            }
            if (!AttributeValues.type(current).equals(type)) {
                throw DynamoDbError.invalid("An operand in the update expression has an incorrect data type");
            }
            Set<String> rest = new LinkedHashSet<>(textList(current.get(type)));
            if ("NS".equals(type)) {
                for (String gone : textList(value.get(type))) {
                    rest.removeIf(n -> new BigDecimal(n).compareTo(new BigDecimal(gone)) == 0);
                }
            } else {
                rest.removeAll(textList(value.get(type)));
            }
            if (rest.isEmpty()) {
                path.remove(item);
            } else {
                path.set(item, setValue(type, rest));
            }
        }
    }

    static List<String> textList(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.textValue()));
        return list;
    }

    static JsonNode setValue(String type, Iterable<String> members) {
        ObjectNode value = AttributeValues.NODES.objectNode();
        ArrayNode array = value.putArray(type);
        members.forEach(array::add);
        return value;
    }

    /** The item reduced to the given paths (nested maps kept as maps, selected list elements compacted). */
    static ObjectNode project(ObjectNode item, List<Path> paths) {
        ObjectNode result = AttributeValues.NODES.objectNode();
        for (Path path : paths) {
            if (path.get(item) != null) {
                result.set(path.top(), merge(result.get(path.top()), item.get(path.top()), path.elements(), 1));
            }
        }
        return result;
    }

    private static JsonNode merge(JsonNode existing, JsonNode source, List<Object> elements, int from) {
        if (from == elements.size()) {
            return source;
        }
        ObjectNode container = AttributeValues.NODES.objectNode();
        if (elements.get(from) instanceof String name) {
            ObjectNode map = existing != null && existing.get("M") instanceof ObjectNode m ? m : AttributeValues.NODES.objectNode();
            map.set(name, merge(map.get(name), source.get("M").get(name), elements, from + 1));
            container.set("M", map);
        } else {
            ArrayNode list = existing != null && existing.get("L") instanceof ArrayNode l ? l : AttributeValues.NODES.arrayNode();
            list.add(merge(null, source.get("L").get((Integer) elements.get(from)), elements, from + 1));
            container.set("L", list);
        }
        return container;
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}

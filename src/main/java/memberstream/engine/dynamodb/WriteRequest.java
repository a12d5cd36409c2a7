package memberstream.engine.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memberstream.engine.dynamodb.Expression.Action;
import memberstream.engine.dynamodb.Expression.Condition;
import memberstream.engine.dynamodb.Expression.Literal;
import memberstream.engine.dynamodb.Expression.Operand;
import memberstream.engine.dynamodb.Expression.Path;
import memberstream.engine.dynamodb.Expression.PathOperand;

/**
 * One write to one item (PutItem, UpdateItem, DeleteItem, or a member of TransactWriteItems, a
 * ConditionCheck included), parsed and validated before the store's lock is taken: its condition from
 * ConditionExpression or the legacy {@code Expected}, its changes from UpdateExpression or the legacy
 * {@code AttributeUpdates}. Immutable.
 *
 * @param key  for PUT the whole item (validated); otherwise the Key as given (validated against the schema under the lock)
 */
record WriteRequest(Kind kind, String tableName, ObjectNode key, Condition condition, List<Action> actions,
                    String returnValues, boolean returnOldOnConditionFailure) {

    enum Kind { PUT, UPDATE, DELETE, CHECK }

    static WriteRequest parse(Kind kind, JsonNode body) {
        String tableName = DynamoDbService.tableName(body);
        ObjectNode key = AttributeValues.validatedItem(body.get(kind == Kind.PUT ? "Item" : "Key"), kind == Kind.PUT ? "item" : "key");
        if (kind == Kind.PUT) {
            AttributeValues.checkItemSize(key);
        }
        boolean expressions = body.has("ConditionExpression") || body.has("UpdateExpression");
        boolean legacy = body.has("Expected") || body.has("AttributeUpdates");
        if (expressions && legacy) {
            throw DynamoDbError.invalid("Can not use both expression and non-expression parameters in the same request: "
                    + "Non-expression parameters: {" + (body.has("Expected") ? "Expected" : "AttributeUpdates") + "} "
                    + "Expression parameters: {" + (body.has("ConditionExpression") ? "ConditionExpression" : "UpdateExpression") + "}");
        }
        if (!expressions && (body.has("ExpressionAttributeNames") || body.has("ExpressionAttributeValues"))) {
            throw DynamoDbError.invalid(body.has("ExpressionAttributeValues")
                    ? "ExpressionAttributeValues can only be specified when using expressions"
                    : "ExpressionAttributeNames can only be specified when using expressions");
        }
        ExpressionParser parser = new ExpressionParser(body.get("ExpressionAttributeNames"), body.get("ExpressionAttributeValues"));
        Condition condition = null;
        List<Action> actions = List.of();
        if (body.hasNonNull("ConditionExpression")) {
            condition = parser.condition("ConditionExpression", body.get("ConditionExpression").asText());
        } else if (body.hasNonNull("Expected")) {
            condition = expected(body.get("Expected"), body.path("ConditionalOperator").asText("AND"));
        }
        if (kind == Kind.UPDATE) {
            if (body.hasNonNull("UpdateExpression")) {
                actions = parser.update(body.get("UpdateExpression").asText());
            } else if (body.hasNonNull("AttributeUpdates")) {
                actions = attributeUpdates(body.get("AttributeUpdates"));
            }
        } else if (body.has("UpdateExpression") || body.has("AttributeUpdates")) {
            throw DynamoDbError.invalid("UpdateExpression is only valid in UpdateItem");
        }
        if (kind == Kind.CHECK && condition == null) {
            throw DynamoDbError.invalid("1 validation error detected: Value null at 'transactItems.conditionCheck.conditionExpression' "
                    + "failed to satisfy constraint: Member must not be null");
        }
        parser.checkAllUsed();
        String returnValues = body.path("ReturnValues").asText("NONE");
        Set<String> allowed = switch (kind) {
            case UPDATE -> Set.of("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW");
            case PUT, DELETE -> Set.of("NONE", "ALL_OLD");
            case CHECK -> Set.of("NONE");
        };
        if (!allowed.contains(returnValues)) {
            throw DynamoDbError.invalid("ReturnValues can only be " + String.join(" or ", allowed.stream().sorted().toList())
                    + " when calling " + (kind == Kind.PUT ? "PutItem" : kind == Kind.DELETE ? "DeleteItem" : "this operation"));
        }
        boolean returnOld = "ALL_OLD".equals(body.path("ReturnValuesOnConditionCheckFailure").asText("NONE"));
        return new WriteRequest(kind, tableName, key, condition, actions, returnValues, returnOld);
    }

    /** The legacy {@code Expected} map as a condition. */
    static Condition expected(JsonNode expected, String conditionalOperator) {
        Condition result = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Condition one = legacyCondition(entry.getKey(), entry.getValue());
            result = result == null ? one : "OR".equals(conditionalOperator) ? new Expression.Or(result, one) : new Expression.And(result, one);
        }
        return result;
    }

    /** One entry of {@code Expected}, {@code KeyConditions}, {@code QueryFilter} or {@code ScanFilter}. */
    static Condition legacyCondition(String attribute, JsonNode spec) {
        Path path = new Path(List.of(attribute));
        Operand left = new PathOperand(path);
        List<JsonNode> values = new ArrayList<>();
        if (spec.hasNonNull("Value")) {
            values.add(AttributeValues.validated(spec.get("Value")));
        }
        if (spec.hasNonNull("AttributeValueList")) {
            spec.get("AttributeValueList").forEach(v -> values.add(AttributeValues.validated(v)));
        }
        if (!spec.hasNonNull("ComparisonOperator")) {
            boolean exists = !spec.has("Exists") || spec.get("Exists").asBoolean();
            if (!exists) {
                if (!values.isEmpty()) {
                    throw DynamoDbError.invalid("One or more parameter values were invalid: Value cannot be used when Exists is false "
                            + "for Attribute: " + attribute);
                }
                return new Expression.Function("attribute_not_exists", path, null);
            }
            if (values.isEmpty()) {
                throw DynamoDbError.invalid("One or more parameter values were invalid: Value must be provided when Exists is true "
                        + "for Attribute: " + attribute);
            }
            return new Expression.Compare(left, "=", new Literal(values.get(0)));
        }
        String operator = spec.get("ComparisonOperator").asText();
        int needed = switch (operator) {
            case "NULL", "NOT_NULL" -> 0;
            case "BETWEEN" -> 2;
            case "IN" -> -1;
            default -> 1;
        };
        if (needed >= 0 && values.size() != needed || needed < 0 && values.isEmpty()) {
            throw DynamoDbError.invalid("One or more parameter values were invalid: Invalid number of argument(s) for the "
                    + operator + " ComparisonOperator");
        }
        return switch (operator) {
            case "EQ" -> new Expression.Compare(left, "=", new Literal(values.get(0)));
            case "NE" -> new Expression.Compare(left, "<>", new Literal(values.get(0)));
            case "LT" -> new Expression.Compare(left, "<", new Literal(values.get(0)));
            case "LE" -> new Expression.Compare(left, "<=", new Literal(values.get(0)));
            case "GT" -> new Expression.Compare(left, ">", new Literal(values.get(0)));
            case "GE" -> new Expression.Compare(left, ">=", new Literal(values.get(0)));
            case "NULL" -> new Expression.Function("attribute_not_exists", path, null);
            case "NOT_NULL" -> new Expression.Function("attribute_exists", path, null);
            case "CONTAINS" -> new Expression.Function("contains", path, new Literal(values.get(0)));
            case "NOT_CONTAINS" -> new Expression.And(new Expression.Function("attribute_exists", path, null),
                    new Expression.Not(new Expression.Function("contains", path, new Literal(values.get(0)))));
            case "BEGINS_WITH" -> new Expression.Function("begins_with", path, new Literal(values.get(0)));
            case "BETWEEN" -> new Expression.Between(left, new Literal(values.get(0)), new Literal(values.get(1)));
            case "IN" -> new Expression.In(left, values.stream().<Operand>map(Literal::new).toList());
            default -> throw DynamoDbError.invalid("1 validation error detected: Value '" + AttributeValues.clip(operator)
                    + "' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]");
        };
    }

    /** The legacy {@code AttributeUpdates} map as update actions. */
    private static List<Action> attributeUpdates(JsonNode updates) {
        List<Action> actions = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = updates.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Path path = new Path(List.of(entry.getKey()));
            JsonNode spec = entry.getValue();
            String action = spec.path("Action").asText("PUT");
            JsonNode value = spec.hasNonNull("Value") ? AttributeValues.validated(spec.get("Value")) : null;
            switch (action) {
                case "PUT" -> {
                    if (value == null) {
                        throw DynamoDbError.invalid("One or more parameter values were invalid: Only DELETE action is allowed "
                                + "when no attribute value is specified");
                    }
                    actions.add(new Expression.SetAction(path, new Literal(value)));
                }
                case "DELETE" -> actions.add(value == null ? new Expression.RemoveAction(path) : new Expression.DeleteAction(path, value));
                case "ADD" -> {
                    if (value == null) {
                        throw DynamoDbError.invalid("One or more parameter values were invalid: Only DELETE action is allowed "
                                + "when no attribute value is specified");
                    }
                    actions.add(new Expression.AddAction(path, value));
                }
                default -> throw DynamoDbError.invalid("1 validation error detected: Value '" + AttributeValues.clip(action)
                        + "' at 'attributeUpdates." + entry.getKey() + ".member.action' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [ADD, PUT, DELETE]");
            }
        }
        return actions;
    }
}

package memberstream.engine.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import memberstream.engine.dynamodb.DynamoDbStore.Changes;
import memberstream.engine.dynamodb.DynamoDbStore.ItemKey;
import memberstream.engine.dynamodb.DynamoDbStore.Table;
import memberstream.engine.dynamodb.Expression.Action;
import memberstream.engine.dynamodb.WriteRequest.Kind;
import memberstream.engine.protocol.AwsCall;
import memberstream.engine.protocol.AwsServiceException;

/**
 * GetItem, PutItem, UpdateItem, DeleteItem and TransactWriteItems: reads under the store's shared lock,
 * writes (condition, change, log) under its exclusive lock. Stateless apart from the store; thread-safe.
 * Query and Scan live in {@link ItemReads}.
 */
final class ItemOperations {

    static final String CONDITION_FAILED = "The conditional request failed";
    private static final int MAX_TRANSACT_ITEMS = 100;

    private final DynamoDbStore store;

    ItemOperations(DynamoDbStore store) {
        this.store = store;
    }

    Object getItem(AwsCall call) {
        String tableName = DynamoDbService.tableName(call.body());
        ObjectNode key = AttributeValues.validatedItem(call.node("Key"), "key");
        ExpressionParser parser = new ExpressionParser(call.node("ExpressionAttributeNames"), call.node("ExpressionAttributeValues"));
        List<Expression.Path> projection = call.has("ProjectionExpression") ? parser.projection(call.string("ProjectionExpression"))
                : legacyAttributes(call.node("AttributesToGet"));
        parser.checkAllUsed();
        return store.read(() -> {
            Table table = DynamoDbService.requireTable(store, tableName);
            ObjectNode item = table.items.get(keyOf(table.meta, key, true));
            Map<String, Object> answer = new LinkedHashMap<>();
            if (item != null) {
                answer.put("Item", DynamoDbStore.wire(projection == null ? item : Expression.project(item, projection)));
            }
            capacity(call, tableName, answer);
            return answer;
        });
    }

    Object putItem(AwsCall call) {
        return single(call, WriteRequest.parse(Kind.PUT, call.body()));
    }

    Object updateItem(AwsCall call) {
        return single(call, WriteRequest.parse(Kind.UPDATE, call.body()));
    }

    Object deleteItem(AwsCall call) {
        return single(call, WriteRequest.parse(Kind.DELETE, call.body()));
    }

    private Object single(AwsCall call, WriteRequest request) {
        return store.write(changes -> {
            ObjectNode[] result = perform(request, changes);
            Map<String, Object> answer = new LinkedHashMap<>();
            ObjectNode attributes = returned(request, result[0], result[1]);
            if (attributes != null) {
                answer.put("Attributes", DynamoDbStore.wire(attributes));
            }
            capacity(call, request.tableName(), answer);
            return answer;
        });
    }

    Object transactWriteItems(AwsCall call) {
        JsonNode items = call.node("TransactItems");
        if (items == null || !items.isArray() || items.isEmpty() || items.size() > MAX_TRANSACT_ITEMS) {
            throw DynamoDbError.invalid("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 100 and greater than or equal to 1");
        }
        List<WriteRequest> requests = new ArrayList<>();
        for (JsonNode member : items) {
            if (member.size() != 1) {
                throw DynamoDbError.invalid("TransactItems can only contain one of Check, Put, Update or Delete");
            }
            String type = member.fieldNames().next();
            Kind kind = switch (type) {
                case "Put" -> Kind.PUT;
                case "Update" -> Kind.UPDATE;
                case "Delete" -> Kind.DELETE;
                case "ConditionCheck" -> Kind.CHECK;
                default -> throw DynamoDbError.invalid("TransactItems can only contain one of Check, Put, Update or Delete");
            };
            requests.add(WriteRequest.parse(kind, member.get(type)));
        }
        return store.write(changes -> {
            Set<String> targets = new HashSet<>();
            for (WriteRequest request : requests) {
                Table table = DynamoDbService.requireTable(store, request.tableName());
                ItemKey key = keyOf(table.meta, request.key(), request.kind() != Kind.PUT);
                if (!targets.add(request.tableName() + '\u0000' + key)) {
                    throw DynamoDbError.invalid("Transaction request cannot include multiple operations on one item");
                }
            }
            List<Map<String, Object>> reasons = new ArrayList<>();
            boolean failed = false;
            Changes pending = new Changes();
            for (WriteRequest request : requests) {
                Map<String, Object> reason = new LinkedHashMap<>();
                try {
                    perform(request, pending);
                    reason.put("Code", "None");
                } catch (AwsServiceException e) {
                    failed = true;
                    reason.put("Code", e.code() == DynamoDbError.CONDITIONAL_CHECK_FAILED ? "ConditionalCheckFailed" : "ValidationError");
                    reason.put("Message", e.getMessage());
                    if (e.details().containsKey("Item")) {
                        reason.put("Item", e.details().get("Item"));
                    }
                }
                reasons.add(reason);
            }
            if (failed) {
                List<String> codes = reasons.stream().map(r -> (String) r.get("Code")).toList();
                throw new AwsServiceException(DynamoDbError.TRANSACTION_CANCELED, "Transaction cancelled, please refer cancellation "
                        + "reasons for specific reasons [" + String.join(", ", codes) + "]", Map.of("CancellationReasons", reasons));
            }
            pending.copyTo(changes);
            return Map.of();
        });
    }

    /**
     * Checks the request's condition against the item as stored and records the change; returns the item
     * before and after. Holds the store's exclusive lock.
     */
    private ObjectNode[] perform(WriteRequest request, Changes changes) {
        Table table = DynamoDbService.requireTable(store, request.tableName());
        TableMeta meta = table.meta;
        ItemKey key = keyOf(meta, request.key(), request.kind() != Kind.PUT);
        ObjectNode before = table.items.get(key);
        ObjectNode view = before == null ? AttributeValues.NODES.objectNode() : before;
        if (request.condition() != null && !request.condition().test(view)) {
            Map<String, Object> details = request.returnOldOnConditionFailure() && before != null
                    ? Map.of("Item", DynamoDbStore.wire(before)) : Map.of();
            throw new AwsServiceException(DynamoDbError.CONDITIONAL_CHECK_FAILED, CONDITION_FAILED, details);
        }
        ObjectNode after;
        switch (request.kind()) {
            case PUT -> {
                after = request.key();
                checkIndexKeys(meta, after);
                changes.put(meta.name(), key, after);
            }
            case DELETE -> {
                after = null;
                if (before != null) {
                    changes.delete(meta.name(), key);
                }
            }
            case CHECK -> after = before;
            default -> {
                after = before == null ? request.key().deepCopy() : before.deepCopy();
                for (Action action : request.actions()) {
                    String top = action.path().top();
                    if (top.equals(meta.hashKey()) || top.equals(meta.rangeKey())) {
                        throw DynamoDbError.invalid("One or more parameter values were invalid: Cannot update attribute " + top
                                + ". This attribute is part of the key");
                    }
                    action.apply(view, after);
                }
                AttributeValues.checkItemSize(after);
                checkIndexKeys(meta, after);
                changes.put(meta.name(), key, after);
            }
        }
        return new ObjectNode[] {before, after};
    }

    private static ObjectNode returned(WriteRequest request, ObjectNode before, ObjectNode after) {
        return switch (request.returnValues()) {
            case "ALL_OLD" -> before;
            case "ALL_NEW" -> after;
            case "UPDATED_OLD" -> touched(request, before);
            case "UPDATED_NEW" -> touched(request, after);
            default -> null;
        };
    }

    private static ObjectNode touched(WriteRequest request, ObjectNode item) {
        if (item == null) {
            return null;
        }
        ObjectNode result = Expression.project(item, request.actions().stream().map(Action::path).toList());
        return result.isEmpty() ? null : result;
    }

    /** An index key attribute, when present, must have the type the index declares. */
    private static void checkIndexKeys(TableMeta meta, ObjectNode item) {
        for (TableMeta.IndexMeta index : meta.indexes()) {
            for (String attribute : new String[] {index.hashKey(), index.rangeKey()}) {
                JsonNode value = attribute == null ? null : item.get(attribute);
                if (value != null && !AttributeValues.type(value).equals(meta.attributeTypes().get(attribute))) {
                    throw DynamoDbError.invalid("One or more parameter values were invalid: Type mismatch for Index Key " + attribute
                            + " Expected: " + meta.attributeTypes().get(attribute) + " Actual: " + AttributeValues.type(value)
                            + " IndexName: " + index.name());
                }
            }
        }
    }

    /**
     * The primary key of {@code given} under the table's schema. With {@code exact}, {@code given} is a Key
     * and must hold the key attributes and nothing else; otherwise it is an item that must hold them.
     */
    static ItemKey keyOf(TableMeta meta, ObjectNode given, boolean exact) {
        int expected = meta.rangeKey() == null ? 1 : 2;
        JsonNode hash = given.get(meta.hashKey());
        JsonNode range = meta.rangeKey() == null ? null : given.get(meta.rangeKey());
        if (exact && (given.size() != expected || hash == null || (meta.rangeKey() != null && range == null))) {
            throw DynamoDbError.invalid("The provided key element does not match the schema");
        }
        for (String attribute : meta.rangeKey() == null ? new String[] {meta.hashKey()} : new String[] {meta.hashKey(), meta.rangeKey()}) {
            JsonNode value = given.get(attribute);
            if (value == null) {
                throw DynamoDbError.invalid("One or more parameter values were invalid: Missing the key " + attribute + " in the item");
            }
            String type = AttributeValues.type(value);
            if (!type.equals(meta.attributeTypes().get(attribute))) {
                throw DynamoDbError.invalid(exact ? "The provided key element does not match the schema"
                        : "One or more parameter values were invalid: Type mismatch for key " + attribute + " expected: "
                        + meta.attributeTypes().get(attribute) + " actual: " + type);
            }
            if (AttributeValues.size(value) == 0) {
                throw DynamoDbError.invalid("One or more parameter values are not valid. The AttributeValue for a key attribute "
                        + "cannot contain an empty string value. Key: " + attribute);
            }
            if (AttributeValues.size(value) > (attribute.equals(meta.hashKey()) ? 2048 : 1024)) {
                throw DynamoDbError.invalid("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
                        + "limit of 2048 bytes");
            }
        }
        return new ItemKey(hash, range);
    }

    static List<Expression.Path> legacyAttributes(JsonNode attributesToGet) {
        if (attributesToGet == null || !attributesToGet.isArray()) {
            return null;
        }
        List<Expression.Path> paths = new ArrayList<>();
        for (Iterator<JsonNode> it = attributesToGet.elements(); it.hasNext(); ) {
            paths.add(new Expression.Path(List.of(it.next().asText())));
        }
        return paths;
    }

    static void capacity(AwsCall call, String tableName, Map<String, Object> answer) {
        String mode = call.string("ReturnConsumedCapacity");
        if (mode != null && !"NONE".equals(mode)) {
            answer.put("ConsumedCapacity", Map.of("TableName", tableName, "CapacityUnits", 1.0));
        }
    }
}

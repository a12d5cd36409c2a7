package memberstream.engine.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.dynamodb.DynamoDbStore.ItemKey;
import memberstream.engine.dynamodb.DynamoDbStore.Table;
import memberstream.engine.dynamodb.Expression.Condition;
import memberstream.engine.dynamodb.Expression.Path;
import memberstream.engine.dynamodb.TableMeta.IndexMeta;
import memberstream.engine.protocol.AwsCall;

/**
 * Query and Scan, on a table or a global secondary index, under the store's shared lock. A page stops at
 * {@code Limit} items evaluated or 1 MB read, as on DynamoDB, and ends with a LastEvaluatedKey when
 * more items remain. A table is read in key order; an index is computed from the table's items when
 * read (items lacking the index key are not in it), ordered by index key then table key. Thread-safe.
 */
final class ItemReads {

    private static final long PAGE_BYTES = 1024 * 1024;

    private final DynamoDbStore store;

    ItemReads(DynamoDbStore store) {
        this.store = store;
    }

    Object query(AwsCall call) {
        return read(call, true);
    }

    Object scan(AwsCall call) {
        return read(call, false);
    }

    private Object read(AwsCall call, boolean query) {
        JsonNode body = call.body();
        String tableName = DynamoDbService.tableName(body);
        String indexName = call.string("IndexName");
        int limit = call.integer("Limit", Integer.MAX_VALUE);
        if (limit < 1) {
            throw DynamoDbError.invalid("1 validation error detected: Value '" + limit + "' at 'limit' failed to satisfy constraint: "
                    + "Member must have value greater than or equal to 1");
        }
        if (call.has("Segment") || call.has("TotalSegments")) {
            int total = call.integer("TotalSegments", 1);
            if (total != 1) {
                throw DynamoDbError.invalid("Parallel scans (TotalSegments above 1) are not supported by this engine");
            }
        }
        ExpressionParser parser = new ExpressionParser(call.node("ExpressionAttributeNames"), call.node("ExpressionAttributeValues"));
        Condition keyCondition = null;
        if (query) {
            if (call.has("KeyConditionExpression")) {
                keyCondition = parser.condition("KeyConditionExpression", call.string("KeyConditionExpression"));
            } else if (call.has("KeyConditions")) {
                keyCondition = legacy(call.node("KeyConditions"), "AND");
            } else {
                throw DynamoDbError.invalid("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
            }
        }
        Condition filter = null;
        if (call.has("FilterExpression")) {
            filter = parser.condition("FilterExpression", call.string("FilterExpression"));
        } else if (call.has(query ? "QueryFilter" : "ScanFilter")) {
            filter = legacy(call.node(query ? "QueryFilter" : "ScanFilter"), body.path("ConditionalOperator").asText("AND"));
        }
        List<Path> projection = call.has("ProjectionExpression") ? parser.projection(call.string("ProjectionExpression"))
                : ItemOperations.legacyAttributes(call.node("AttributesToGet"));
        parser.checkAllUsed();
        boolean count = "COUNT".equals(call.string("Select"));
        boolean forward = !Boolean.FALSE.equals(call.bool("ScanIndexForward"));
        ObjectNode startKey = call.has("ExclusiveStartKey") ? AttributeValues.validatedItem(call.node("ExclusiveStartKey"), "exclusiveStartKey") : null;
        Condition keys = keyCondition;
        Condition filterCondition = filter;
        return store.read(() -> {
            Table table = DynamoDbService.requireTable(store, tableName);
            TableMeta meta = table.meta;
            IndexMeta index = null;
            if (indexName != null) {
                index = meta.index(indexName);
                if (index == null) {
                    throw DynamoDbError.invalid("The table does not have the specified index: " + indexName);
                }
            }
            String hashKey = index == null ? meta.hashKey() : index.hashKey();
            JsonNode partition = null;
            if (keys != null) {
                partition = partitionValue(keys, hashKey);
                if (partition == null) {
                    throw DynamoDbError.invalid("Query condition missed key schema element: " + hashKey);
                }
                if (!AttributeValues.type(partition).equals(meta.attributeTypes().get(hashKey))) {
                    throw DynamoDbError.invalid("One or more parameter values were invalid: Condition parameter type does not match "
                            + "schema type");
                }
            }
            List<ObjectNode> candidates = candidates(table, index, partition);
            if (!forward) {
                Collections.reverse(candidates);
            }
            int from = 0;
            if (startKey != null) {
                from = after(candidates, startKey, meta, index, forward);
            }
            List<Object> items = new ArrayList<>();
            int scanned = 0;
            int matched = 0;
            long bytes = 0;
            ObjectNode last = null;
            int i = from;
            for (; i < candidates.size() && scanned < limit && bytes < PAGE_BYTES; i++) {
                ObjectNode item = candidates.get(i);
                if (keys != null && !keys.test(item)) {
                    continue;
                }
                scanned++;
                bytes += AttributeValues.itemSize(item);
                last = item;
                if (filterCondition != null && !filterCondition.test(item)) {
                    continue;
                }
                matched++;
                if (!count) {
                    ObjectNode visible = index == null ? item : projectIndex(item, meta, index);
                    items.add(DynamoDbStore.wire(projection == null ? visible : Expression.project(visible, projection)));
                }
            }
            boolean more = false;
            for (int j = i; j < candidates.size() && !more; j++) {
                more = keys == null || keys.test(candidates.get(j));
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("Count", matched);
            if (!count) {
                answer.put("Items", items);
            }
            answer.put("ScannedCount", scanned);
            if (more && last != null) {
                answer.put("LastEvaluatedKey", DynamoDbStore.wire(keyAttributes(last, meta, index)));
            }
            ItemOperations.capacity(call, tableName, answer);
            return answer;
        });
    }

    private static Condition legacy(JsonNode conditions, String operator) {
        Condition result = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = conditions.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Condition one = WriteRequest.legacyCondition(entry.getKey(), entry.getValue());
            result = result == null ? one : "OR".equals(operator) ? new Expression.Or(result, one) : new Expression.And(result, one);
        }
        return result;
    }

    /** The value the key condition requires of the partition key ({@code hash = :v}, alone or AND-ed), or null. */
    private static JsonNode partitionValue(Condition condition, String hashKey) {
        if (condition instanceof Expression.And and) {
            JsonNode left = partitionValue(and.left(), hashKey);
            return left != null ? left : partitionValue(and.right(), hashKey);
        }
        if (condition instanceof Expression.Compare compare && "=".equals(compare.operator())) {
            if (compare.left() instanceof Expression.PathOperand p && p.path().elements().equals(List.of(hashKey))
                    && compare.right() instanceof Expression.Literal literal) {
                return literal.literal();
            }
            if (compare.right() instanceof Expression.PathOperand p && p.path().elements().equals(List.of(hashKey))
                    && compare.left() instanceof Expression.Literal literal) {
                return literal.literal();
            }
        }
        return null;
    }

    private static List<ObjectNode> candidates(Table table, IndexMeta index, JsonNode partition) {
        TableMeta meta = table.meta;
        if (index == null) {
            if (partition == null) {
                return new ArrayList<>(table.items.values());
            }
            List<ObjectNode> list = new ArrayList<>();
            for (Map.Entry<ItemKey, ObjectNode> entry : table.items.tailMap(new ItemKey(partition, null), true).entrySet()) {
                if (!AttributeValues.equal(entry.getKey().hash(), partition)) {
                    break;
                }
                list.add(entry.getValue());
            }
            return list;
        }
        List<ObjectNode> list = new ArrayList<>();
        for (ObjectNode item : table.items.values()) {
            if (item.has(index.hashKey()) && (index.rangeKey() == null || item.has(index.rangeKey()))
                    && (partition == null || AttributeValues.equal(item.get(index.hashKey()), partition))) {
                list.add(item);
            }
        }
        list.sort(indexOrder(meta, index));
        return list;
    }

    private static Comparator<ObjectNode> indexOrder(TableMeta meta, IndexMeta index) {
        return (a, b) -> {
            int order = new ItemKey(a.get(index.hashKey()), index.rangeKey() == null ? null : a.get(index.rangeKey()))
                    .compareTo(new ItemKey(b.get(index.hashKey()), index.rangeKey() == null ? null : b.get(index.rangeKey())));
            return order != 0 ? order : DynamoDbStore.keyOf(meta, a).compareTo(DynamoDbStore.keyOf(meta, b));
        };
    }

    /** The position of the first candidate after the one an ExclusiveStartKey names (it need not exist any more). */
    private static int after(List<ObjectNode> candidates, ObjectNode startKey, TableMeta meta, IndexMeta index, boolean forward) {
        if (startKey.get(meta.hashKey()) == null || (meta.rangeKey() != null && startKey.get(meta.rangeKey()) == null)
                || (index != null && startKey.get(index.hashKey()) == null)) {
            throw DynamoDbError.invalid("The provided starting key is invalid: The provided key element does not match the schema");
        }
        for (String attribute : new String[] {meta.hashKey(), meta.rangeKey(), index == null ? null : index.hashKey(),
                index == null ? null : index.rangeKey()}) {
            if (attribute != null && startKey.has(attribute)
                    && !AttributeValues.type(startKey.get(attribute)).equals(meta.attributeTypes().get(attribute))) {
                throw DynamoDbError.invalid("The provided starting key is invalid: The provided key element does not match the schema");
            }
        }
        Comparator<ObjectNode> order = index == null
                ? (a, b) -> DynamoDbStore.keyOf(meta, a).compareTo(DynamoDbStore.keyOf(meta, b))
                : indexOrder(meta, index);
        if (!forward) {
            order = order.reversed();
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (order.compare(candidates.get(i), startKey) > 0) {
                return i;
            }
        }
        return candidates.size();
    }

    private static ObjectNode keyAttributes(ObjectNode item, TableMeta meta, IndexMeta index) {
        ObjectNode key = AttributeValues.NODES.objectNode();
        for (String attribute : new String[] {meta.hashKey(), meta.rangeKey(),
                index == null ? null : index.hashKey(), index == null ? null : index.rangeKey()}) {
            if (attribute != null && item.has(attribute)) {
                key.set(attribute, item.get(attribute));
            }
        }
        return key;
    }

    private static ObjectNode projectIndex(ObjectNode item, TableMeta meta, IndexMeta index) {
        if ("ALL".equals(index.projectionType())) {
            return item;
        }
        ObjectNode projected = keyAttributes(item, meta, index);
        if ("INCLUDE".equals(index.projectionType()) && index.nonKeyAttributes() != null) {
            for (String attribute : index.nonKeyAttributes()) {
                if (item.has(attribute)) {
                    projected.set(attribute, item.get(attribute));
                }
            }
        }
        return projected;
    }
}

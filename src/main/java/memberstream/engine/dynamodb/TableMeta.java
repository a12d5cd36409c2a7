package memberstream.engine.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a table is, apart from its items: names, key schema, capacity, indexes. Immutable; changes make a
 * new one. Serialized as JSON in the store's log (see {@link DynamoDbStore}).
 *
 * @param attributeTypes the AttributeDefinitions: {@code S}, {@code N} or {@code B} by attribute name
 * @param rangeKey       null for a table with a partition key only
 * @param createdMillis  epoch millis; the table is CREATING until the engine's status delay has passed
 */
record TableMeta(String name, String tableId, long createdMillis, String hashKey, String rangeKey,
                 Map<String, String> attributeTypes, String billingMode, long readCapacity, long writeCapacity,
                 List<IndexMeta> indexes, boolean deletionProtection) {

    /** A global secondary index; its items are computed from the table's when read (always backfilled). */
    record IndexMeta(String name, String hashKey, String rangeKey, String projectionType, List<String> nonKeyAttributes,
                     long createdMillis, long readCapacity, long writeCapacity) {
    }

    IndexMeta index(String indexName) {
        for (IndexMeta index : indexes) {
            if (index.name().equals(indexName)) {
                return index;
            }
        }
        return null;
    }

    TableMeta withIndex(IndexMeta index) {
        List<IndexMeta> more = new ArrayList<>(indexes);
        more.add(index);
        return new TableMeta(name, tableId, createdMillis, hashKey, rangeKey, attributeTypes, billingMode, readCapacity,
                writeCapacity, List.copyOf(more), deletionProtection);
    }

    TableMeta withoutIndex(String indexName) {
        List<IndexMeta> fewer = new ArrayList<>(indexes);
        fewer.removeIf(i -> i.name().equals(indexName));
        return new TableMeta(name, tableId, createdMillis, hashKey, rangeKey, attributeTypes, billingMode, readCapacity,
                writeCapacity, List.copyOf(fewer), deletionProtection);
    }

    TableMeta withAttributeTypes(Map<String, String> types) {
        return new TableMeta(name, tableId, createdMillis, hashKey, rangeKey, Map.copyOf(types), billingMode, readCapacity,
                writeCapacity, indexes, deletionProtection);
    }

    TableMeta withCapacity(String mode, long read, long write) {
        return new TableMeta(name, tableId, createdMillis, hashKey, rangeKey, attributeTypes, mode, read, write, indexes,
                deletionProtection);
    }

    TableMeta withDeletionProtection(boolean protection) {
        return new TableMeta(name, tableId, createdMillis, hashKey, rangeKey, attributeTypes, billingMode, readCapacity,
                writeCapacity, indexes, protection);
    }
}

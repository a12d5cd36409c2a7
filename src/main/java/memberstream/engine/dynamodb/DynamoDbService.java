package memberstream.engine.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import memberstream.engine.EngineContext;
import memberstream.engine.dynamodb.DynamoDbStore.Table;
import memberstream.engine.dynamodb.TableMeta.IndexMeta;
import memberstream.engine.protocol.AwsCall;
import memberstream.engine.protocol.AwsJsonService;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import memberstream.engine.protocol.WireFormat;
import memberstream.engine.protocol.ProtocolError;
import memberstream.engine.storage.FsyncPolicy;

/**
 * DynamoDB's route: the part of its API the Kinesis Client Library uses (JSON 1.0, {@code X-Amz-Target:
 * DynamoDB_20120810.<Operation>}, signed for service {@code dynamodb}). Table operations are here; item
 * operations in {@link ItemOperations} and {@link ItemReads}; all state in one {@link DynamoDbStore}
 * (its class comment gives the storage format and locking). Operations not listed answer
 * UnknownOperationException naming what is supported. Thread-safe.
 */
public final class DynamoDbService extends AwsJsonService implements Closeable {

    public static final String TARGET_PREFIX = "DynamoDB_20120810.";
    static final String ACCOUNT = "000000000000";
    private static final int MAX_INDEXES = 20;
    private static final Set<String> SUPPORTED = new TreeSet<>(List.of("CreateTable", "DescribeTable", "DeleteTable",
            "ListTables", "UpdateTable", "DescribeTimeToLive", "UpdateContinuousBackups", "GetItem", "PutItem", "UpdateItem",
            "DeleteItem", "TransactWriteItems", "Query", "Scan"));

    private final DynamoDbStore store;
    private final Clock clock;
    private final Duration statusDelay;

    public DynamoDbService(EngineContext context) {
        this(context.directory("dynamodb"), context.properties().fsync(), context.clock(), context.properties().statusDelay());
    }

    public DynamoDbService(Path directory, FsyncPolicy fsync, Clock clock, Duration statusDelay) {
        super(TARGET_PREFIX, "us-east-1");
        this.store = new DynamoDbStore(directory, fsync);
        this.clock = clock;
        this.statusDelay = statusDelay;
        ItemOperations items = new ItemOperations(store);
        ItemReads reads = new ItemReads(store);
        register("CreateTable", List.of(), this::createTable);
        register("DescribeTable", List.of(), this::describeTable);
        register("DeleteTable", List.of(), this::deleteTable);
        register("ListTables", List.of(), this::listTables);
        register("UpdateTable", List.of(), this::updateTable);
        register("DescribeTimeToLive", List.of(), this::describeTimeToLive);
        register("UpdateContinuousBackups", List.of(), this::updateContinuousBackups);
        register("GetItem", List.of(), items::getItem);
        register("PutItem", List.of(), items::putItem);
        register("UpdateItem", List.of(), items::updateItem);
        register("DeleteItem", List.of(), items::deleteItem);
        register("TransactWriteItems", List.of(), items::transactWriteItems);
        register("Query", List.of(), reads::query);
        register("Scan", List.of(), reads::scan);
    }

    @Override
    public EngineResponse handle(EngineRequest request) {
        String operation = request.target().substring(TARGET_PREFIX.length());
        if (!SUPPORTED.contains(operation)) {
            return error(ProtocolError.UNKNOWN_OPERATION, "The DynamoDB operation " + AttributeValues.clip(operation)
                    + " is not supported by this engine. Supported: " + String.join(", ", SUPPORTED) + ".",
                    WireFormat.JSON, UUID.randomUUID().toString());
        }
        return super.handle(request);
    }

    static String tableName(JsonNode body) {
        JsonNode name = body.get("TableName");
        if (name == null || !name.isTextual()) {
            throw DynamoDbError.invalid("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        String text = name.textValue();
        if (text.length() < 3 || text.length() > 255 || !text.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.'))) {
            throw DynamoDbError.invalid("1 validation error detected: Value '" + AttributeValues.clip(text) + "' at 'tableName' failed "
                    + "to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length "
                    + "between 3 and 255");
        }
        return text;
    }

    static Table requireTable(DynamoDbStore store, String name) {
        Table table = store.table(name);
        if (table == null) {
            throw DynamoDbError.RESOURCE_NOT_FOUND.exception("Requested resource not found");
        }
        return table;
    }

    private Object createTable(AwsCall call) {
        String name = tableName(call.body());
        if (call.has("LocalSecondaryIndexes")) {
            throw DynamoDbError.invalid("LocalSecondaryIndexes are not supported by this engine");
        }
        if (call.has("StreamSpecification") && call.node("StreamSpecification").path("StreamEnabled").asBoolean()) {
            throw DynamoDbError.invalid("DynamoDB Streams are not supported by this engine");
        }
        Map<String, String> types = attributeDefinitions(call.node("AttributeDefinitions"));
        String[] keys = keySchema(call.node("KeySchema"), "KeySchema");
        String billing = call.body().path("BillingMode").asText("PROVISIONED");
        long[] capacity = capacity(billing, call.node("ProvisionedThroughput"));
        long now = clock.millis();
        List<IndexMeta> indexes = new ArrayList<>();
        if (call.has("GlobalSecondaryIndexes")) {
            for (JsonNode index : call.node("GlobalSecondaryIndexes")) {
                indexes.add(index(index, billing, now));
            }
        }
        TableMeta meta = new TableMeta(name, UUID.randomUUID().toString(), now, keys[0], keys[1], Map.copyOf(types), billing,
                capacity[0], capacity[1], List.copyOf(indexes), call.body().path("DeletionProtectionEnabled").asBoolean(false));
        checkDefinitions(meta);
        return store.write(changes -> {
            if (store.table(name) != null) {
                throw DynamoDbError.RESOURCE_IN_USE.exception("Table already exists: " + name);
            }
            if (store.tables().size() >= 2500) {
                throw DynamoDbError.LIMIT_EXCEEDED.exception("Subscriber limit exceeded: Too many tables (2500)");
            }
            changes.table(meta);
            return Map.of("TableDescription", description(call, meta, null, "CREATING"));
        });
    }

    private Object describeTable(AwsCall call) {
        String name = tableName(call.body());
        return store.read(() -> {
            Table table = store.table(name);
            if (table == null) {
                throw DynamoDbError.RESOURCE_NOT_FOUND.exception("Requested resource not found: Table: " + name + " not found");
            }
            return Map.of("Table", description(call, table.meta, table, null));
        });
    }

    private Object deleteTable(AwsCall call) {
        String name = tableName(call.body());
        return store.write(changes -> {
            Table table = store.table(name);
            if (table == null) {
                throw DynamoDbError.RESOURCE_NOT_FOUND.exception("Requested resource not found: Table: " + name + " not found");
            }
            if (table.meta.deletionProtection()) {
                throw DynamoDbError.invalid("Resource cannot be deleted as it is currently protected against deletion. Disable "
                        + "deletion protection first.");
            }
            changes.drop(name);
            return Map.of("TableDescription", description(call, table.meta, table, "DELETING"));
        });
    }

    private Object listTables(AwsCall call) {
        int limit = call.integer("Limit", 100);
        if (limit < 1 || limit > 100) {
            throw DynamoDbError.invalid("1 validation error detected: Value '" + limit + "' at 'limit' failed to satisfy constraint: "
                    + "Member must have value less than or equal to 100");
        }
        String start = call.string("ExclusiveStartTableName");
        return store.read(() -> {
            List<String> names = new ArrayList<>();
            Set<String> rest = start == null ? store.tables().keySet() : store.tables().tailMap(start, false).keySet();
            for (String name : rest) {
                if (names.size() == limit) {
                    break;
                }
                names.add(name);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("TableNames", names);
            if (names.size() == limit && rest.size() > limit) {
                answer.put("LastEvaluatedTableName", names.get(names.size() - 1));
            }
            return answer;
        });
    }

    private Object updateTable(AwsCall call) {
        String name = tableName(call.body());
        if (call.has("StreamSpecification") && call.node("StreamSpecification").path("StreamEnabled").asBoolean()) {
            throw DynamoDbError.invalid("DynamoDB Streams are not supported by this engine");
        }
        return store.write(changes -> {
            Table table = requireTable(store, name);
            TableMeta meta = table.meta;
            if (call.has("AttributeDefinitions")) {
                Map<String, String> types = new LinkedHashMap<>(meta.attributeTypes());
                types.putAll(attributeDefinitions(call.node("AttributeDefinitions")));
                meta = meta.withAttributeTypes(types);
            }
            if (call.has("BillingMode") || call.has("ProvisionedThroughput")) {
                String billing = call.body().path("BillingMode").asText(meta.billingMode());
                long[] capacity = call.has("ProvisionedThroughput") || !"PROVISIONED".equals(billing)
                        ? capacity(billing, call.node("ProvisionedThroughput"))
                        : new long[] {meta.readCapacity(), meta.writeCapacity()};
                meta = meta.withCapacity(billing, capacity[0], capacity[1]);
            }
            if (call.has("DeletionProtectionEnabled")) {
                meta = meta.withDeletionProtection(call.bool("DeletionProtectionEnabled"));
            }
            JsonNode updates = call.node("GlobalSecondaryIndexUpdates");
            if (updates != null) {
                for (JsonNode update : updates) {
                    if (update.has("Create")) {
                        IndexMeta index = index(update.get("Create"), meta.billingMode(), clock.millis());
                        if (meta.index(index.name()) != null) {
                            throw DynamoDbError.invalid("One or more parameter values were invalid: Index with name: " + index.name()
                                    + " already exists");
                        }
                        meta = meta.withIndex(index);
                    } else if (update.has("Delete")) {
                        String indexName = update.get("Delete").path("IndexName").asText();
                        if (meta.index(indexName) == null) {
                            throw DynamoDbError.RESOURCE_NOT_FOUND.exception("Requested resource not found: Index: " + indexName + " not found");
                        }
                        meta = meta.withoutIndex(indexName);
                    } else if (!update.has("Update")) {
                        throw DynamoDbError.invalid("One or more parameter values were invalid: One of Create, Update or Delete must be "
                                + "specified in a GlobalSecondaryIndexUpdate");
                    }
                }
            }
            checkDefinitions(meta);
            changes.table(meta);
            return Map.of("TableDescription", description(call, meta, table, "UPDATING"));
        });
    }

    private Object describeTimeToLive(AwsCall call) {
        String name = tableName(call.body());
        store.read(() -> requireTable(store, name));
        return Map.of("TimeToLiveDescription", Map.of("TimeToLiveStatus", "DISABLED"));
    }

    private Object updateContinuousBackups(AwsCall call) {
        String name = tableName(call.body());
        store.read(() -> requireTable(store, name));
        boolean enabled = call.body().path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(false);
        return Map.of("ContinuousBackupsDescription", Map.of("ContinuousBackupsStatus", "ENABLED",
                "PointInTimeRecoveryDescription", Map.of("PointInTimeRecoveryStatus", enabled ? "ENABLED" : "DISABLED")));
    }

    private static Map<String, String> attributeDefinitions(JsonNode definitions) {
        if (definitions == null || !definitions.isArray() || definitions.isEmpty()) {
            throw DynamoDbError.invalid("1 validation error detected: Value null at 'attributeDefinitions' failed to satisfy "
                    + "constraint: Member must not be null");
        }
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode definition : definitions) {
            String name = definition.path("AttributeName").asText("");
            String type = definition.path("AttributeType").asText("");
            if (name.isEmpty() || name.length() > 255 || !Set.of("S", "N", "B").contains(type)) {
                throw DynamoDbError.invalid("1 validation error detected: Value '" + AttributeValues.clip(type) + "' at "
                        + "'attributeDefinitions.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]");
            }
            if (types.put(name, type) != null) {
                throw DynamoDbError.invalid("Cannot have two attributes with the same name");
            }
        }
        return types;
    }

    /** {hash, range-or-null} from a KeySchema. */
    private static String[] keySchema(JsonNode schema, String member) {
        if (schema == null || !schema.isArray() || schema.isEmpty() || schema.size() > 2) {
            throw DynamoDbError.invalid("1 validation error detected: Value at '" + member + "' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 2 and greater than or equal to 1");
        }
        String hash = schema.get(0).path("AttributeName").asText(null);
        if (!"HASH".equals(schema.get(0).path("KeyType").asText()) || hash == null) {
            throw DynamoDbError.invalid("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
        }
        String range = null;
        if (schema.size() == 2) {
            range = schema.get(1).path("AttributeName").asText(null);
            if (!"RANGE".equals(schema.get(1).path("KeyType").asText()) || range == null) {
                throw DynamoDbError.invalid("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
            }
            if (range.equals(hash)) {
                throw DynamoDbError.invalid("Both the Hash Key and the Range Key element in the KeySchema have the same name");
            }
        }
        return new String[] {hash, range};
    }

    private static long[] capacity(String billing, JsonNode throughput) {
        if ("PAY_PER_REQUEST".equals(billing)) {
            if (throughput != null && (throughput.has("ReadCapacityUnits") || throughput.has("WriteCapacityUnits"))
                    && (throughput.path("ReadCapacityUnits").asLong() != 0 || throughput.path("WriteCapacityUnits").asLong() != 0)) {
                throw DynamoDbError.invalid("One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                        + "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
            }
            return new long[] {0, 0};
        }
        if (!"PROVISIONED".equals(billing)) {
            throw DynamoDbError.invalid("1 validation error detected: Value '" + AttributeValues.clip(billing) + "' at 'billingMode' "
                    + "failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
        }
        if (throughput == null || !throughput.has("ReadCapacityUnits") || !throughput.has("WriteCapacityUnits")) {
            throw DynamoDbError.invalid("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must "
                    + "both be specified when BillingMode is PROVISIONED");
        }
        long read = throughput.get("ReadCapacityUnits").asLong();
        long write = throughput.get("WriteCapacityUnits").asLong();
        if (read < 1 || write < 1) {
            throw DynamoDbError.invalid("1 validation error detected: Value at 'provisionedThroughput.readCapacityUnits' failed to "
                    + "satisfy constraint: Member must have value greater than or equal to 1");
        }
        return new long[] {read, write};
    }

    private static IndexMeta index(JsonNode index, String billing, long now) {
        String name = index.path("IndexName").asText("");
        if (name.length() < 3 || name.length() > 255) {
            throw DynamoDbError.invalid("1 validation error detected: Value '" + AttributeValues.clip(name) + "' at 'indexName' failed "
                    + "to satisfy constraint: Member must have length between 3 and 255");
        }
        String[] keys = keySchema(index.get("KeySchema"), "globalSecondaryIndexes.member.keySchema");
        JsonNode projection = index.path("Projection");
        String type = projection.path("ProjectionType").asText("ALL");
        if (!Set.of("ALL", "KEYS_ONLY", "INCLUDE").contains(type)) {
            throw DynamoDbError.invalid("1 validation error detected: Value '" + AttributeValues.clip(type) + "' at 'projectionType' failed "
                    + "to satisfy constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]");
        }
        List<String> nonKey = new ArrayList<>();
        projection.path("NonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
        long[] capacity = index.has("ProvisionedThroughput") || "PROVISIONED".equals(billing)
                ? capacity(billing, index.get("ProvisionedThroughput")) : new long[] {0, 0};
        return new IndexMeta(name, keys[0], keys[1], type, List.copyOf(nonKey), now, capacity[0], capacity[1]);
    }

    /** Every key attribute defined, every definition used, as DynamoDB insists. */
    private static void checkDefinitions(TableMeta meta) {
        Set<String> used = new TreeSet<>();
        used.add(meta.hashKey());
        if (meta.rangeKey() != null) {
            used.add(meta.rangeKey());
        }
        if (meta.indexes().size() > MAX_INDEXES) {
            throw DynamoDbError.LIMIT_EXCEEDED.exception("One or more parameter values were invalid: Number of global secondary "
                    + "indexes exceeds the limit of " + MAX_INDEXES);
        }
        for (IndexMeta index : meta.indexes()) {
            used.add(index.hashKey());
            if (index.rangeKey() != null) {
                used.add(index.rangeKey());
            }
        }
        if (!meta.attributeTypes().keySet().containsAll(used)) {
            throw DynamoDbError.invalid("One or more parameter values were invalid: Some index key attributes are not defined in "
                    + "AttributeDefinitions. Keys: " + used + ", AttributeDefinitions: " + new TreeSet<>(meta.attributeTypes().keySet()));
        }
        if (!used.containsAll(meta.attributeTypes().keySet())) {
            throw DynamoDbError.invalid("One or more parameter values were invalid: Some AttributeDefinitions are not used. "
                    + "AttributeDefinitions: " + new TreeSet<>(meta.attributeTypes().keySet()) + ", keys used: " + used);
        }
    }

    /** A TableDescription; {@code status} overrides the computed one (CREATING until the status delay has passed). */
    private Map<String, Object> description(AwsCall call, TableMeta meta, Table table, String status) {
        long now = clock.millis();
        String arn = "arn:aws:dynamodb:" + call.region() + ":" + ACCOUNT + ":table/" + meta.name();
        Map<String, Object> d = new LinkedHashMap<>();
        List<Map<String, Object>> definitions = new ArrayList<>();
        meta.attributeTypes().forEach((name, type) -> definitions.add(Map.of("AttributeName", name, "AttributeType", type)));
        d.put("AttributeDefinitions", definitions);
        d.put("TableName", meta.name());
        d.put("KeySchema", keySchemaOut(meta.hashKey(), meta.rangeKey()));
        d.put("TableStatus", status != null ? status : now - meta.createdMillis() < statusDelay.toMillis() ? "CREATING" : "ACTIVE");
        d.put("CreationDateTime", meta.createdMillis() / 1000.0);
        d.put("ProvisionedThroughput", Map.of("NumberOfDecreasesToday", 0, "ReadCapacityUnits", meta.readCapacity(),
                "WriteCapacityUnits", meta.writeCapacity()));
        long size = 0;
        if (table != null) {
            for (var item : table.items.values()) {
                size += AttributeValues.itemSize(item);
            }
        }
        d.put("TableSizeBytes", size);
        d.put("ItemCount", table == null ? 0 : table.items.size());
        d.put("TableArn", arn);
        d.put("TableId", meta.tableId());
        d.put("BillingModeSummary", Map.of("BillingMode", meta.billingMode(),
                "LastUpdateToPayPerRequestDateTime", meta.createdMillis() / 1000.0));
        if (!meta.indexes().isEmpty()) {
            List<Map<String, Object>> indexes = new ArrayList<>();
            for (IndexMeta index : meta.indexes()) {
                Map<String, Object> i = new LinkedHashMap<>();
                i.put("IndexName", index.name());
                i.put("KeySchema", keySchemaOut(index.hashKey(), index.rangeKey()));
                Map<String, Object> projection = new LinkedHashMap<>();
                projection.put("ProjectionType", index.projectionType());
                if (!index.nonKeyAttributes().isEmpty()) {
                    projection.put("NonKeyAttributes", index.nonKeyAttributes());
                }
                i.put("Projection", projection);
                boolean creating = now - index.createdMillis() < statusDelay.toMillis();
                i.put("IndexStatus", creating ? "CREATING" : "ACTIVE");
                if (creating) {
                    i.put("Backfilling", true);
                }
                i.put("ProvisionedThroughput", Map.of("NumberOfDecreasesToday", 0, "ReadCapacityUnits", index.readCapacity(),
                        "WriteCapacityUnits", index.writeCapacity()));
                i.put("IndexSizeBytes", 0);
                i.put("ItemCount", 0);
                i.put("IndexArn", arn + "/index/" + index.name());
                indexes.add(i);
            }
            d.put("GlobalSecondaryIndexes", indexes);
        }
        d.put("DeletionProtectionEnabled", meta.deletionProtection());
        return d;
    }

    private static List<Map<String, Object>> keySchemaOut(String hash, String range) {
        List<Map<String, Object>> schema = new ArrayList<>();
        schema.add(Map.of("AttributeName", hash, "KeyType", "HASH"));
        if (range != null) {
            schema.add(Map.of("AttributeName", range, "KeyType", "RANGE"));
        }
        return schema;
    }

    @Override
    public void close() {
        store.close();
    }
}

package memberstream.engine.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import memberstream.engine.storage.FsyncPolicy;
import memberstream.engine.storage.SegmentLog;

/**
 * The tables and their items, in memory, made durable by a {@link SegmentLog} in the service's directory.
 *
 * <h2>On disk</h2>
 * Each log entry is one JSON object, applied in log order on open:
 * <ul>
 *   <li>{@code {"op":"table","meta":{...}}}: a table created or changed ({@link TableMeta} as JSON);</li>
 *   <li>{@code {"op":"drop","name":"t"}}: a table deleted with its items;</li>
 *   <li>{@code {"op":"write","writes":[{"table":"t","key":{..},"item":{..}}]}}: items put (or, without
 *       {@code item}, deleted); one entry per request, so a transaction is all or nothing after a crash;</li>
 *   <li>{@code {"op":"snapshot","tables":[{"meta":{..},"items":[..]}]}}: everything, replacing what came
 *       before; written when the log has grown well past the live data, after which older segments go.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * One read-write lock guards all tables: reads share it, every write (its condition checks included) holds
 * it exclusively, so a conditional write is atomic. A write is appended to the log under the lock and
 * applied in memory; the caller is answered only after the entry is durable under the {@link FsyncPolicy}
 * (waited for outside the lock, so concurrent writers share one fsync).
 */
final class DynamoDbStore implements Closeable {

    private static final long SEGMENT_BYTES = 16L * 1024 * 1024;
    private static final long COMPACT_AFTER_BYTES = 32L * 1024 * 1024;

    /** The items of one table, ordered by partition key then sort key. Guarded by the store's lock. */
    static final class Table {
        TableMeta meta;
        final NavigableMap<ItemKey, ObjectNode> items = new TreeMap<>();

        Table(TableMeta meta) {
            this.meta = meta;
        }
    }

    /** The primary key of an item; sort key null for tables without one. Ordered as DynamoDB orders sort keys. */
    record ItemKey(JsonNode hash, JsonNode range) implements Comparable<ItemKey> {
        private static final Comparator<JsonNode> VALUES = (a, b) -> a == null ? (b == null ? 0 : -1)
                : b == null ? 1 : AttributeValues.compare(a, b);

        @Override
        public int compareTo(ItemKey other) {
            int byHash = VALUES.compare(hash, other.hash);
            return byHash != 0 ? byHash : VALUES.compare(range, other.range);
        }
    }

    /** The changes one write request makes; applied together or not at all. */
    static final class Changes {
        private final List<Object[]> writes = new ArrayList<>();
        private TableMeta tableMeta;
        private String dropped;

        void put(String table, ItemKey key, ObjectNode item) {
            writes.add(new Object[] {table, key, item});
        }

        void delete(String table, ItemKey key) {
            writes.add(new Object[] {table, key, null});
        }

        void table(TableMeta meta) {
            this.tableMeta = meta;
        }

        void drop(String name) {
            this.dropped = name;
        }

        /** Adds these item writes to {@code other} (a transaction's, once all its conditions held). */
        void copyTo(Changes other) {
            other.writes.addAll(writes);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final TreeMap<String, Table> tables = new TreeMap<>();
    private final SegmentLog log;
    private long bytesSinceSnapshot;

    DynamoDbStore(Path directory, FsyncPolicy policy) {
        this.log = SegmentLog.open(directory, policy, SEGMENT_BYTES, (position, payload) -> replay(payload));
        bytesSinceSnapshot = log.endPosition() - log.startPosition();
        if (bytesSinceSnapshot > COMPACT_AFTER_BYTES) {
            lock.writeLock().lock();
            try {
                compact();
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** Runs {@code work} under the shared lock. */
    <T> T read(Supplier<T> work) {
        lock.readLock().lock();
        try {
            return work.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Runs {@code work} under the exclusive lock; what it records in the {@link Changes} is logged and
     * applied when it returns (nothing if it throws), and this returns once that is durable.
     */
    <T> T write(Function<Changes, T> work) {
        long end;
        T result;
        lock.writeLock().lock();
        try {
            Changes changes = new Changes();
            result = work.apply(changes);
            if (changes.writes.isEmpty() && changes.tableMeta == null && changes.dropped == null) {
                return result;
            }
            ObjectNode entry = encode(changes);
            byte[] bytes = json.writeValueAsBytes(entry);
            end = log.append(List.of(ByteBuffer.wrap(bytes)), new long[1]);
            apply(entry);
            bytesSinceSnapshot += bytes.length + SegmentLog.HEADER_BYTES;
            if (bytesSinceSnapshot > COMPACT_AFTER_BYTES && bytesSinceSnapshot > 4 * liveBytes()) {
                end = compact();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.writeLock().unlock();
        }
        log.awaitDurable(end);
        return result;
    }

    /** The table, or null. Call under {@link #read} or {@link #write}. */
    Table table(String name) {
        return tables.get(name);
    }

    /** Table names in order. Call under {@link #read} or {@link #write}. */
    NavigableMap<String, Table> tables() {
        return tables;
    }

    private ObjectNode encode(Changes changes) {
        ObjectNode entry = json.createObjectNode();
        if (changes.tableMeta != null) {
            entry.put("op", "table");
            entry.set("meta", json.valueToTree(changes.tableMeta));
        } else if (changes.dropped != null) {
            entry.put("op", "drop");
            entry.put("name", changes.dropped);
        } else {
            entry.put("op", "write");
            ArrayNode writes = entry.putArray("writes");
            for (Object[] write : changes.writes) {
                ObjectNode one = writes.addObject();
                one.put("table", (String) write[0]);
                ItemKey key = (ItemKey) write[1];
                one.set("hash", key.hash());
                if (key.range() != null) {
                    one.set("range", key.range());
                }
                if (write[2] != null) {
                    one.set("item", (ObjectNode) write[2]);
                }
            }
        }
        return entry;
    }

    private void replay(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        try {
            apply((ObjectNode) json.readTree(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable DynamoDB log entry", e);
        }
    }

    private void apply(ObjectNode entry) throws IOException {
        switch (entry.get("op").asText()) {
            case "table" -> {
                TableMeta meta = json.treeToValue(entry.get("meta"), TableMeta.class);
                Table table = tables.get(meta.name());
                if (table == null) {
                    tables.put(meta.name(), new Table(meta));
                } else {
                    table.meta = meta;
                }
            }
            case "drop" -> tables.remove(entry.get("name").asText());
            case "snapshot" -> {
                tables.clear();
                for (JsonNode saved : entry.get("tables")) {
                    Table table = new Table(json.treeToValue(saved.get("meta"), TableMeta.class));
                    tables.put(table.meta.name(), table);
                    for (JsonNode item : saved.get("items")) {
                        table.items.put(keyOf(table.meta, (ObjectNode) item), (ObjectNode) item);
                    }
                }
            }
            default -> {
                for (JsonNode write : entry.get("writes")) {
                    Table table = tables.get(write.get("table").asText());
                    if (table == null) {
                        continue;
                    }
                    ItemKey key = new ItemKey(write.get("hash"), write.get("range"));
                    if (write.has("item")) {
                        table.items.put(key, (ObjectNode) write.get("item"));
                    } else {
                        table.items.remove(key);
                    }
                }
            }
        }
    }

    static ItemKey keyOf(TableMeta meta, ObjectNode item) {
        return new ItemKey(item.get(meta.hashKey()), meta.rangeKey() == null ? null : item.get(meta.rangeKey()));
    }

    private long liveBytes() {
        long total = 0;
        for (Table table : tables.values()) {
            for (ObjectNode item : table.items.values()) {
                total += AttributeValues.itemSize(item);
            }
        }
        return total;
    }

    /** Writes everything as one snapshot entry and drops the segments before it. Holds the write lock. */
    private long compact() {
        ObjectNode snapshot = json.createObjectNode();
        snapshot.put("op", "snapshot");
        ArrayNode saved = snapshot.putArray("tables");
        for (Table table : tables.values()) {
            ObjectNode one = saved.addObject();
            one.set("meta", json.valueToTree(table.meta));
            ArrayNode items = one.putArray("items");
            table.items.values().forEach(items::add);
        }
        try {
            long[] position = new long[1];
            long end = log.append(List.of(ByteBuffer.wrap(json.writeValueAsBytes(snapshot))), position);
            log.awaitDurable(end);
            log.deleteSegmentsBefore(position[0]);
            bytesSinceSnapshot = end - position[0];
            return end;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        log.close();
    }

    static Map<String, Object> wire(JsonNode node) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) AttributeValues.toWire(node);
        return map;
    }
}

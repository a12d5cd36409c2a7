package memberstream.engine.kinesis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stream's metadata: settings, tags, status times and its shards (all of them, in id order,
 * closed ones included). Mutable; guarded by the {@link KinesisStore}'s lock, except {@link #router}
 * which is replaced whole and read without it.
 */
final class KinesisStream {

    final String name;
    final long createdAt;
    String mode;
    int retentionHours;
    String encryptionType = "NONE";
    String keyId;
    final Map<String, String> tags = new LinkedHashMap<>();
    Long deletedAt;
    long updatingUntil;
    int nextShardIndex;
    final List<Shard> shards = new ArrayList<>();
    /** Registered consumers, in registration order, deregistered ones included until they are gone. */
    final List<StreamConsumer> consumers = new ArrayList<>();
    volatile Router router = new Router(List.of());

    KinesisStream(String name, long createdAt) {
        this.name = name;
        this.createdAt = createdAt;
    }

    /** Recomputes the routing table after shards were added or closed. */
    void reroute() {
        router = new Router(shards.stream().filter(Shard::isOpen).toList());
    }

    List<Shard> openShards() {
        return shards.stream().filter(Shard::isOpen).toList();
    }

    /** The consumer of that name that is not gone yet (CREATING, ACTIVE or DELETING), or null. */
    StreamConsumer consumer(String consumerName, long now, long delayMillis) {
        consumers.removeIf(c -> c.status(now, delayMillis) == null);
        for (StreamConsumer consumer : consumers) {
            if (consumer.name.equals(consumerName)) {
                return consumer;
            }
        }
        return null;
    }

    /** The consumers not gone yet at {@code now}, in registration order. */
    List<StreamConsumer> liveConsumers(long now, long delayMillis) {
        consumers.removeIf(c -> c.status(now, delayMillis) == null);
        return List.copyOf(consumers);
    }

    Shard shard(int index) {
        for (Shard shard : shards) {
            if (shard.index == index) {
                return shard;
            }
        }
        return null;
    }

    /** AWS's status at {@code now}, given how long transitions take; null once a deleted stream is gone. */
    String status(long now, long delayMillis) {
        if (deletedAt != null) {
            return now < deletedAt + delayMillis ? "DELETING" : null;
        }
        if (now < createdAt + delayMillis) {
            return "CREATING";
        }
        if (now < updatingUntil) {
            return "UPDATING";
        }
        return "ACTIVE";
    }

    /** The open shards sorted by hash key, for routing a record with a binary search. Immutable. */
    static final class Router {
        private final Shard[] shards;

        Router(List<Shard> open) {
            this.shards = open.stream().sorted((a, b) -> a.startKey.compareTo(b.startKey)).toArray(Shard[]::new);
        }

        Shard route(HashKey key) {
            int from = 0;
            int to = shards.length - 1;
            while (from <= to) {
                int mid = (from + to) >>> 1;
                Shard shard = shards[mid];
                if (shard.endKey.compareTo(key) < 0) {
                    from = mid + 1;
                } else if (shard.startKey.compareTo(key) > 0) {
                    to = mid - 1;
                } else {
                    return shard;
                }
            }
            return null;
        }
    }

    record ShardSnapshot(int uid, int index, String parent, String adjacentParent, String startKey, String endKey,
                         long startPosition, long createdAt, long closedPosition, long closedAt) {
    }

    record ConsumerSnapshot(String name, long createdAt, Long deletedAt) {
    }

    /** What the metadata log stores for a stream after each change (JSON); entries written before consumers existed have none. */
    record Snapshot(String name, long createdAt, String mode, int retentionHours, String encryptionType, String keyId,
                    Map<String, String> tags, Long deletedAt, long updatingUntil, int nextShardIndex,
                    List<ShardSnapshot> shards, List<ConsumerSnapshot> consumers) {
    }

    Snapshot snapshot() {
        List<ShardSnapshot> shardSnapshots = new ArrayList<>();
        for (Shard shard : shards) {
            shardSnapshots.add(new ShardSnapshot(shard.uid, shard.index, shard.parentShardId, shard.adjacentParentShardId,
                    shard.startKey.toString(), shard.endKey.toString(), shard.startPosition, shard.createdAt,
                    shard.closedPosition, shard.closedAt));
        }
        List<ConsumerSnapshot> consumerSnapshots = new ArrayList<>();
        for (StreamConsumer consumer : consumers) {
            consumerSnapshots.add(new ConsumerSnapshot(consumer.name, consumer.createdAt, consumer.deletedAt));
        }
        return new Snapshot(name, createdAt, mode, retentionHours, encryptionType, keyId, new LinkedHashMap<>(tags),
                deletedAt, updatingUntil, nextShardIndex, shardSnapshots, consumerSnapshots);
    }

    static KinesisStream restore(Snapshot snapshot) {
        KinesisStream stream = new KinesisStream(snapshot.name(), snapshot.createdAt());
        stream.mode = snapshot.mode();
        stream.retentionHours = snapshot.retentionHours();
        stream.encryptionType = snapshot.encryptionType();
        stream.keyId = snapshot.keyId();
        if (snapshot.tags() != null) {
            stream.tags.putAll(snapshot.tags());
        }
        stream.deletedAt = snapshot.deletedAt();
        stream.updatingUntil = snapshot.updatingUntil();
        stream.nextShardIndex = snapshot.nextShardIndex();
        for (ShardSnapshot s : snapshot.shards()) {
            Shard shard = new Shard(s.uid(), s.index(), s.parent(), s.adjacentParent(), HashKey.parse(s.startKey()),
                    HashKey.parse(s.endKey()), s.startPosition(), s.createdAt());
            shard.closedPosition = s.closedPosition();
            shard.closedAt = s.closedAt();
            stream.shards.add(shard);
        }
        if (snapshot.consumers() != null) {
            for (ConsumerSnapshot c : snapshot.consumers()) {
                StreamConsumer consumer = new StreamConsumer(c.name(), c.createdAt());
                consumer.deletedAt = c.deletedAt();
                stream.consumers.add(consumer);
            }
        }
        stream.reroute();
        return stream;
    }
}

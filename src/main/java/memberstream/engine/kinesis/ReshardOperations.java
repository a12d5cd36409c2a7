package memberstream.engine.kinesis;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.AwsCall;

/**
 * Kinesis's resharding actions: SplitShard, MergeShards and UpdateShardCount. Thread-safe: every
 * change happens under the store's lock.
 */
final class ReshardOperations extends KinesisOperations {

    ReshardOperations(KinesisStore store) {
        super(store);
    }

    Object splitShard(AwsCall call) {
        String name = streamName(call);
        String shardText = call.string("ShardToSplit");
        String newStartText = call.string("NewStartingHashKey");
        return store.locked(() -> {
            KinesisStream stream = reshardable(name);
            Shard parent = shardOf(stream, shardText);
            requireOpen(parent, stream);
            HashKey newStart = HashKey.parse(newStartText);
            // Each child keeps at least two hash keys, as on AWS.
            BigInteger lowest = parent.startKey.toBigInteger().add(BigInteger.TWO);
            if (newStart == null || newStart.toBigInteger().compareTo(lowest) < 0 || newStart.compareTo(parent.endKey) >= 0) {
                throw KinesisError.INVALID_ARGUMENT.exception("NewStartingHashKey " + newStartText + " used in SplitShard() on shard "
                        + parent.shardId + " in stream " + name + " under account " + ACCOUNT
                        + " is not both greater than one plus the shard's StartingHashKey " + parent.startKey
                        + " and less than the shard's EndingHashKey " + parent.endKey + ".");
            }
            checkShardLimit(1, call.region());
            split(stream, parent, newStart);
            finishReshard(stream);
            return NO_OUTPUT;
        });
    }

    Object mergeShards(AwsCall call) {
        String name = streamName(call);
        String firstText = call.string("ShardToMerge");
        String secondText = call.string("AdjacentShardToMerge");
        return store.locked(() -> {
            KinesisStream stream = reshardable(name);
            Shard first = shardOf(stream, firstText);
            Shard second = shardOf(stream, secondText);
            requireOpen(first, stream);
            requireOpen(second, stream);
            Shard low = first.startKey.compareTo(second.startKey) <= 0 ? first : second;
            Shard high = low == first ? second : first;
            if (first == second || !low.endKey.toBigInteger().add(BigInteger.ONE).equals(high.startKey.toBigInteger())) {
                throw KinesisError.INVALID_ARGUMENT.exception("Shards " + first.shardId + " and " + second.shardId
                        + " in stream " + name + " under account " + ACCOUNT
                        + " are not an adjacent pair of shards eligible for merging");
            }
            store.close(first);
            store.close(second);
            store.newShard(stream, first.shardId, second.shardId, low.startKey, high.endKey);
            finishReshard(stream);
            return NO_OUTPUT;
        });
    }

    /**
     * UNIFORM_SCALING as AWS does it, by splits and merges of single shards: first every open shard
     * that a boundary of the target's even layout crosses is split there (once per boundary), then the
     * pieces inside each target range are merged, lowest first. Pieces that already match a target
     * range stay as they are; the shards in between are closed at once (AWS's "short-lived shards").
     * Doubling an even stream only splits, halving only merges. Lineage is that of the single
     * operations: a split's children name their parent, a merge's child both of its parents.
     */
    Object updateShardCount(AwsCall call) {
        String name = streamName(call);
        int target = call.integer("TargetShardCount");
        return store.locked(() -> {
            KinesisStream stream = reshardable(name);
            List<Shard> open = new ArrayList<>(stream.openShards());
            open.sort(java.util.Comparator.comparing((Shard shard) -> shard.startKey));
            int current = open.size();
            if (target > current * 2) {
                throw KinesisError.INVALID_ARGUMENT.exception("UpdateShardCount failed for stream " + name + " under account "
                        + ACCOUNT + ". Cannot scale up to more than double the current open shard count (" + current + ").");
            }
            if (target * 2 < current) {
                throw KinesisError.INVALID_ARGUMENT.exception("UpdateShardCount failed for stream " + name + " under account "
                        + ACCOUNT + ". Cannot scale down below half the current open shard count (" + current + ").");
            }
            if (target != current) {
                checkShardLimit(target - current, call.region());
                java.util.Set<HashKey> starts = new java.util.HashSet<>(evenStarts(target));
                List<Shard> pieces = new ArrayList<>();
                for (Shard shard : open) {
                    Shard rest = shard;
                    for (HashKey boundary : evenStarts(target)) {
                        if (boundary.compareTo(rest.startKey) > 0 && boundary.compareTo(rest.endKey) <= 0) {
                            Shard[] halves = split(stream, rest, boundary);
                            pieces.add(halves[0]);
                            rest = halves[1];
                        }
                    }
                    pieces.add(rest);
                }
                for (int i = 0; i < pieces.size(); ) {
                    Shard merged = pieces.get(i++);
                    while (i < pieces.size() && !starts.contains(pieces.get(i).startKey)) {
                        merged = merge(stream, merged, pieces.get(i++));
                    }
                }
                finishReshard(stream);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("StreamName", name);
            answer.put("CurrentShardCount", current);
            answer.put("TargetShardCount", target);
            answer.put("StreamARN", arn(call.region(), name));
            return answer;
        });
    }

    /** The starting hash keys of {@code count} shards splitting the key space evenly (as CreateStream lays them out), in order. */
    static List<HashKey> evenStarts(int count) {
        BigInteger step = HashKey.MAX_VALUE.add(BigInteger.ONE).divide(BigInteger.valueOf(count));
        List<HashKey> starts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            starts.add(HashKey.of(step.multiply(BigInteger.valueOf(i))));
        }
        return starts;
    }

    /** Closes {@code parent} and opens its two children, split at {@code newStart}; returns {low, high}. Call with the lock held. */
    Shard[] split(KinesisStream stream, Shard parent, HashKey newStart) {
        store.close(parent);
        HashKey lowEnd = HashKey.of(newStart.toBigInteger().subtract(BigInteger.ONE));
        Shard low = store.newShard(stream, parent.shardId, null, parent.startKey, lowEnd);
        Shard high = store.newShard(stream, parent.shardId, null, newStart, parent.endKey);
        return new Shard[] {low, high};
    }

    /** Closes two adjacent shards and opens the one that covers both (parent {@code low}, adjacent parent {@code high}). */
    Shard merge(KinesisStream stream, Shard low, Shard high) {
        store.close(low);
        store.close(high);
        return store.newShard(stream, low.shardId, high.shardId, low.startKey, high.endKey);
    }

    void finishReshard(KinesisStream stream) {
        stream.reroute();
        stream.updatingUntil = store.now() + store.statusDelayMillis();
        store.persist(stream);
    }

    KinesisStream reshardable(String name) {
        KinesisStream stream = active(name);
        if ("ON_DEMAND".equals(stream.mode)) {
            throw KinesisError.VALIDATION.exception("This operation is not supported for streams in ON_DEMAND mode; "
                    + "the stream " + name + " scales on its own.");
        }
        return stream;
    }

    static void requireOpen(Shard shard, KinesisStream stream) {
        if (!shard.isOpen()) {
            throw KinesisError.RESOURCE_IN_USE.exception("Shard " + shard.shardId + " in stream " + stream.name
                    + " under account " + ACCOUNT + " has already been merged or split, and thus is not eligible for merging or splitting.");
        }
    }
}

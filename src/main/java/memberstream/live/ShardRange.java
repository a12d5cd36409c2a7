package memberstream.live;

import java.math.BigInteger;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** One shard as ListShards describes it: its hash-key range, lineage and sequence range (open if no end). */
public record ShardRange(String shardId, String parentShardId, String adjacentParentShardId,
                         BigInteger startingHashKey, BigInteger endingHashKey,
                         String startingSequenceNumber, String endingSequenceNumber) {

    public static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    public static ShardRange of(Shard shard) {
        return new ShardRange(shard.shardId(), shard.parentShardId(), shard.adjacentParentShardId(),
                new BigInteger(shard.hashKeyRange().startingHashKey()),
                new BigInteger(shard.hashKeyRange().endingHashKey()),
                shard.sequenceNumberRange() == null ? null : shard.sequenceNumberRange().startingSequenceNumber(),
                shard.sequenceNumberRange() == null ? null : shard.sequenceNumberRange().endingSequenceNumber());
    }

    public boolean open() {
        return endingSequenceNumber == null;
    }

    public boolean covers(BigInteger hashKey) {
        return hashKey.compareTo(startingHashKey) >= 0 && hashKey.compareTo(endingHashKey) <= 0;
    }

    /** The share of the whole 0..2^128-1 key space this shard owns, from 0 to 1. */
    public double share() {
        return new java.math.BigDecimal(endingHashKey.subtract(startingHashKey).add(BigInteger.ONE))
                .divide(new java.math.BigDecimal(MAX_HASH_KEY.add(BigInteger.ONE)), java.math.MathContext.DECIMAL64)
                .doubleValue();
    }
}

package memberstream.live;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Kinesis's routing rule: MD5 of the partition key, read as an unsigned 128-bit integer, picks the shard. */
public final class HashKeys {

    private HashKeys() {
    }

    public static BigInteger of(String partitionKey) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    /** Where a hash key sits in the key space, from 0 to 1. */
    public static double position(BigInteger hashKey) {
        return new java.math.BigDecimal(hashKey)
                .divide(new java.math.BigDecimal(ShardRange.MAX_HASH_KEY), java.math.MathContext.DECIMAL64)
                .doubleValue();
    }
}

package memberstream.engine.kinesis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A point of Kinesis's hash key space, an unsigned 128-bit integer (0 .. 2^128-1), held as two longs
 * so that routing a record costs no BigInteger. Immutable.
 */
public record HashKey(long high, long low) implements Comparable<HashKey> {

    public static final BigInteger MAX_VALUE = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    public static final HashKey MIN = new HashKey(0, 0);
    public static final HashKey MAX = new HashKey(-1L, -1L);

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** The MD5 of the partition key's UTF-8 bytes, read as an unsigned big-endian integer: AWS's routing. */
    public static HashKey ofPartitionKey(String partitionKey) {
        byte[] digest = MD5.get().digest(partitionKey.getBytes(StandardCharsets.UTF_8));
        return new HashKey(longAt(digest, 0), longAt(digest, 8));
    }

    /** {@link #ofPartitionKey} from the key's UTF-8 bytes. */
    public static HashKey ofPartitionKeyBytes(byte[] utf8) {
        byte[] digest = MD5.get().digest(utf8);
        return new HashKey(longAt(digest, 0), longAt(digest, 8));
    }

    public static HashKey of(BigInteger value) {
        if (value.signum() < 0 || value.compareTo(MAX_VALUE) > 0) {
            throw new IllegalArgumentException("Not a 128-bit hash key: " + value);
        }
        return new HashKey(value.shiftRight(64).longValue(), value.longValue());
    }

    /** Parses a decimal hash key; null if it is out of range or not a number. */
    public static HashKey parse(String decimal) {
        try {
            BigInteger value = new BigInteger(decimal);
            return value.signum() < 0 || value.compareTo(MAX_VALUE) > 0 ? null : of(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long longAt(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    public BigInteger toBigInteger() {
        BigInteger high64 = new BigInteger(Long.toUnsignedString(high));
        return high64.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(low)));
    }

    @Override
    public int compareTo(HashKey other) {
        int byHigh = Long.compareUnsigned(high, other.high);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
    }

    @Override
    public String toString() {
        return toBigInteger().toString();
    }
}

package memberstream.engine.kinesis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the common shape of a JSON PutRecords body straight from its bytes in one pass: no tokens,
 * no strings for the blobs, each {@code Data} decoded from the body's bytes by the JDK's base64
 * decoder (which the JIT vectorises).
 * <p>
 * It takes only a plain subset of JSON: the members {@code StreamName} and {@code Records} (each
 * once), record members {@code Data}, {@code PartitionKey}, {@code ExplicitHashKey} (each once),
 * printable ASCII strings without escapes, canonical base64, whitespace between tokens, nothing after
 * the object. For anything else {@link #scan} returns null and the caller reads the body the general
 * way, so this class never decides an error. Not thread-safe: one instance per body.
 */
final class PutRecordsJsonScanner {

    /** A request read in full: its stream name and records, not yet checked against the rules. */
    record Scanned(String streamName, List<KinesisStore.Pending> records) {
    }

    private static final byte[] STREAM_NAME = bytes("StreamName");
    private static final byte[] RECORDS = bytes("Records");
    private static final byte[] DATA = bytes("Data");
    private static final byte[] PARTITION_KEY = bytes("PartitionKey");
    private static final byte[] EXPLICIT_HASH_KEY = bytes("ExplicitHashKey");
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';

    /** Thrown (without a stack) when the body leaves the subset; caught in {@link #scan}. */
    private static final class NotPlain extends RuntimeException {
        NotPlain() {
            super(null, null, false, false);
        }
    }

    private static final NotPlain NOT_PLAIN = new NotPlain();

    private final byte[] body;
    private final int end;
    private int at;

    PutRecordsJsonScanner(byte[] body) {
        this.body = body;
        this.end = body.length;
    }

    /** The request, or null if the body is not in the plain subset (or not valid at all). */
    Scanned scan() {
        try {
            return object();
        } catch (NotPlain | ArrayIndexOutOfBoundsException notPlain) {
            return null;
        }
    }

    private Scanned object() {
        String streamName = null;
        List<KinesisStore.Pending> records = null;
        skipSpace();
        expect('{');
        skipSpace();
        if (peek() != '}') {
            while (true) {
                int nameStart = stringStart();
                int nameEnd = plainStringEnd();
                skipSpace();
                expect(':');
                skipSpace();
                if (named(nameStart, nameEnd, STREAM_NAME) && streamName == null) {
                    int start = stringStart();
                    int stop = plainStringEnd();
                    streamName = new String(body, start, stop - start, StandardCharsets.ISO_8859_1);
                } else if (named(nameStart, nameEnd, RECORDS) && records == null) {
                    records = records();
                } else {
                    throw NOT_PLAIN;
                }
                skipSpace();
                if (peek() == ',') {
                    at++;
                    skipSpace();
                    continue;
                }
                break;
            }
        }
        expect('}');
        skipSpace();
        if (at != end || streamName == null || records == null) {
            throw NOT_PLAIN;
        }
        return new Scanned(streamName, records);
    }

    private List<KinesisStore.Pending> records() {
        expect('[');
        List<KinesisStore.Pending> records = new ArrayList<>(500);
        skipSpace();
        if (peek() == ']') {
            at++;
            return records;
        }
        while (true) {
            if (records.size() == 500) {
                throw NOT_PLAIN; // too many: the general path words the error
            }
            records.add(record());
            skipSpace();
            byte next = body[at++];
            if (next == ']') {
                return records;
            }
            if (next != ',') {
                throw NOT_PLAIN;
            }
            skipSpace();
        }
    }

    private KinesisStore.Pending record() {
        expect('{');
        skipSpace();
        byte[] data = null;
        byte[] partitionKey = null;
        String explicitHashKey = null;
        boolean explicitSeen = false;
        if (peek() != '}') {
            while (true) {
                int nameStart = stringStart();
                int nameEnd = plainStringEnd();
                skipSpace();
                expect(':');
                skipSpace();
                if (named(nameStart, nameEnd, DATA) && data == null) {
                    stringStart();
                    data = base64();
                } else if (named(nameStart, nameEnd, PARTITION_KEY) && partitionKey == null) {
                    int start = stringStart();
                    int stop = plainStringEnd();
                    partitionKey = java.util.Arrays.copyOfRange(body, start, stop);
                } else if (named(nameStart, nameEnd, EXPLICIT_HASH_KEY) && !explicitSeen) {
                    explicitSeen = true;
                    if (peek() == 'n') {
                        expect('n');
                        expect('u');
                        expect('l');
                        expect('l');
                    } else {
                        int start = stringStart();
                        int stop = plainStringEnd();
                        explicitHashKey = new String(body, start, stop - start, StandardCharsets.ISO_8859_1);
                    }
                } else {
                    throw NOT_PLAIN;
                }
                skipSpace();
                if (peek() == ',') {
                    at++;
                    skipSpace();
                    continue;
                }
                break;
            }
        }
        expect('}');
        if (data == null || partitionKey == null || partitionKey.length == 0 || partitionKey.length > 256
                || data.length > 1048576) {
            throw NOT_PLAIN;
        }
        HashKey hashKey;
        if (explicitHashKey == null) {
            hashKey = HashKey.ofPartitionKeyBytes(partitionKey);
        } else {
            hashKey = KinesisRules.EXPLICIT_HASH_KEY.matcher(explicitHashKey).matches() ? HashKey.parse(explicitHashKey) : null;
            if (hashKey == null) {
                throw NOT_PLAIN;
            }
        }
        return new KinesisStore.Pending(hashKey, partitionKey, data);
    }

    /**
     * Decodes the base64 string starting at {@link #at} (after its opening quote) and steps past its
     * closing quote. The quote is found eight bytes at a time; the JDK's decoder (vectorised by the
     * JIT where the CPU allows) then checks and decodes everything before it, so a quote inside
     * cannot go unnoticed: it is not in the alphabet.
     */
    private byte[] base64() {
        int quote = quoteFrom(at);
        try {
            java.nio.ByteBuffer decoded = java.util.Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(body, at, quote - at));
            at = quote + 1;
            byte[] array = decoded.array();
            return decoded.arrayOffset() == 0 && decoded.position() == 0 && decoded.remaining() == array.length ? array
                    : java.util.Arrays.copyOfRange(array, decoded.arrayOffset() + decoded.position(),
                    decoded.arrayOffset() + decoded.limit());
        } catch (IllegalArgumentException notBase64) {
            throw NOT_PLAIN;
        }
    }

    /** The index of the first {@code "} at or after {@code from}; eight bytes a step (SWAR). */
    private int quoteFrom(int from) {
        byte[] in = body;
        int i = from;
        while (i + 8 <= end) {
            long x = (long) LONGS.get(in, i) ^ QUOTES;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            i += 8;
        }
        while (in[i] != '"') { // past the end: ArrayIndexOutOfBoundsException, caught in scan()
            i++;
        }
        return i;
    }

    /** Expects an opening quote and returns the index after it. */
    private int stringStart() {
        expect('"');
        return at;
    }

    /** Scans a string of printable ASCII without escapes from {@link #at}; returns the index of its closing quote, steps past it. */
    private int plainStringEnd() {
        int i = at;
        byte[] in = body;
        while (true) {
            byte b = in[i];
            if (b == '"') {
                at = i + 1;
                return i;
            }
            if (b < 0x20 || b == '\\' || b == 0x7f) { // also every byte >= 0x80 (negative)
                throw NOT_PLAIN;
            }
            i++;
        }
    }

    private boolean named(int start, int stop, byte[] name) {
        return java.util.Arrays.equals(body, start, stop, name, 0, name.length);
    }

    private byte peek() {
        return body[at];
    }

    private void expect(char c) {
        if (body[at] != c) {
            throw NOT_PLAIN;
        }
        at++;
    }

    private void skipSpace() {
        while (at < end) {
            byte b = body[at];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            at++;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

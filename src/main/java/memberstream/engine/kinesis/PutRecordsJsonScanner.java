package memberstream.engine.kinesis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the common shape of a JSON PutRecords body straight from its bytes in one pass: no tokens,
 * no strings for the blobs, each {@code Data} decoded from base64 while its closing quote is looked
 * for. All the request's data lands in one array that its records share.
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
    private static final int[] BASE64 = new int[256];

    static {
        java.util.Arrays.fill(BASE64, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64[alphabet.charAt(i)] = i;
        }
    }

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
    private byte[] blobs;
    private int blobsUsed;

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
        blobs = new byte[end / 4 * 3 + 3];
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
        int dataOffset = -1;
        int dataLength = 0;
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
                if (named(nameStart, nameEnd, DATA) && dataOffset < 0) {
                    stringStart();
                    dataOffset = blobsUsed;
                    dataLength = base64();
                    blobsUsed += dataLength;
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
        if (dataOffset < 0 || partitionKey == null || partitionKey.length == 0 || partitionKey.length > 256
                || dataLength > 1048576) {
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
        return new KinesisStore.Pending(hashKey, partitionKey, blobs, dataOffset, dataLength);
    }

    /**
     * Decodes the base64 string starting at {@link #at} (after its opening quote) into {@link #blobs}
     * and steps past its closing quote; returns the number of bytes decoded. Four characters at a time
     * until one is not of the alphabet (the quote, padding, anything else), then the ending by hand.
     */
    private int base64() {
        byte[] in = body;
        byte[] out = blobs;
        int i = at;
        int o = blobsUsed;
        int stop = end - 4;
        while (i <= stop) {
            int c0 = BASE64[in[i] & 0xff];
            int c1 = BASE64[in[i + 1] & 0xff];
            int c2 = BASE64[in[i + 2] & 0xff];
            int c3 = BASE64[in[i + 3] & 0xff];
            if ((c0 | c1 | c2 | c3) < 0) {
                break;
            }
            int bits = c0 << 18 | c1 << 12 | c2 << 6 | c3;
            out[o] = (byte) (bits >> 16);
            out[o + 1] = (byte) (bits >> 8);
            out[o + 2] = (byte) bits;
            i += 4;
            o += 3;
        }
        int count = 0;
        int bits = 0;
        int c;
        while (count < 3 && (c = BASE64[in[i] & 0xff]) >= 0) {
            bits = bits << 6 | c;
            count++;
            i++;
        }
        int padding = 0;
        while (padding < 2 && in[i] == '=') {
            padding++;
            i++;
        }
        // As the JDK's basic decoder: a last unit of 2 or 3 characters, padded in full or not at all.
        boolean ending = count == 0 ? padding == 0 : count != 1 && (padding == 0 || padding + count == 4);
        if (in[i] != '"' || !ending) {
            throw NOT_PLAIN;
        }
        if (count == 2) {
            out[o++] = (byte) (bits >> 4);
        } else if (count == 3) {
            out[o++] = (byte) (bits >> 10);
            out[o++] = (byte) (bits >> 2);
        }
        at = i + 1;
        return o - blobsUsed;
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

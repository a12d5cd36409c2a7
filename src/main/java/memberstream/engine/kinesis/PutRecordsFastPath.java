package memberstream.engine.kinesis;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import memberstream.engine.protocol.FastPath;
import memberstream.engine.protocol.FieldRule;
import memberstream.engine.protocol.WireCodec;
import memberstream.engine.protocol.WireFormat;

/**
 * PutRecords without a tree: JSON bodies of the plain common shape go through
 * {@link PutRecordsJsonScanner} (one pass over the bytes); the rest, and CBOR, stream through the
 * parser's tokens, decoding each blob straight into its byte array (no base64 string, no nodes). Takes only requests that satisfy
 * {@link KinesisRules#PUT_RECORDS} in full; anything else falls back to the general path, which words
 * the errors. Stateless and thread-safe.
 */
final class PutRecordsFastPath implements FastPath {

    private final WireCodec codec;
    private final BiFunction<String, List<KinesisStore.Pending>, Object> put;

    PutRecordsFastPath(WireCodec codec, BiFunction<String, List<KinesisStore.Pending>, Object> put) {
        this.codec = codec;
        this.put = put;
    }

    @Override
    public Object tryAnswer(byte[] body, WireFormat format, String region, String requestId) {
        if (format == WireFormat.JSON) {
            PutRecordsJsonScanner.Scanned scanned = new PutRecordsJsonScanner(body).scan();
            if (scanned != null) {
                if (scanned.records().isEmpty() || !valid(KinesisRules.STREAM_NAME, scanned.streamName())) {
                    return null;
                }
                return put.apply(scanned.streamName(), scanned.records());
            }
            // Escapes, other members, odd base64 or broken JSON: the token reader below decides.
        }
        String streamName = null;
        String streamArn = null;
        List<KinesisStore.Pending> records = null;
        try (JsonParser parser = codec.parser(body, format)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "StreamName" -> {
                        if (value != JsonToken.VALUE_STRING || !valid(KinesisRules.STREAM_NAME, parser.getText())) {
                            return null;
                        }
                        streamName = parser.getText();
                    }
                    case "StreamARN" -> {
                        if (value != JsonToken.VALUE_STRING || !valid(KinesisRules.STREAM_ARN, parser.getText())) {
                            return null;
                        }
                        streamArn = parser.getText();
                    }
                    case "Records" -> {
                        if (value != JsonToken.START_ARRAY) {
                            return null;
                        }
                        records = readRecords(parser, body, format);
                        if (records == null) {
                            return null;
                        }
                    }
                    default -> {
                        return null;
                    }
                }
            }
        } catch (IOException | RuntimeException malformed) {
            return null;
        }
        if (records == null || records.isEmpty() || records.size() > 500 || streamArn != null || streamName == null) {
            return null;
        }
        return put.apply(streamName, records);
    }

    private static List<KinesisStore.Pending> readRecords(JsonParser parser, byte[] body, WireFormat format) throws IOException {
        List<KinesisStore.Pending> records = new ArrayList<>(500);
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
            byte[] data = null;
            String partitionKey = null;
            String explicitHashKey = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "Data" -> {
                        if (value != JsonToken.VALUE_EMBEDDED_OBJECT && value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        data = value == JsonToken.VALUE_STRING ? base64(parser, body) : parser.getBinaryValue();
                    }
                    case "PartitionKey" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        partitionKey = parser.getText();
                    }
                    case "ExplicitHashKey" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            explicitHashKey = parser.getText();
                        } else if (value != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    default -> {
                        return null;
                    }
                }
            }
            if (data == null || data.length > 1048576 || partitionKey == null || partitionKey.isEmpty()
                    || partitionKey.length() > 256) {
                return null;
            }
            HashKey hashKey;
            if (explicitHashKey == null) {
                hashKey = HashKey.ofPartitionKey(partitionKey);
            } else {
                hashKey = KinesisRules.EXPLICIT_HASH_KEY.matcher(explicitHashKey).matches() ? HashKey.parse(explicitHashKey) : null;
                if (hashKey == null) {
                    return null;
                }
            }
            records.add(new KinesisStore.Pending(hashKey, partitionKey.getBytes(StandardCharsets.UTF_8), data));
        }
        return token == JsonToken.END_ARRAY ? records : null;
    }

    /**
     * Decodes a JSON base64 string straight from the request bytes with the JDK's decoder (several
     * times faster than the parser's); strings with escapes take the parser's way.
     */
    private static byte[] base64(JsonParser parser, byte[] body) throws IOException {
        long quote = parser.currentTokenLocation().getByteOffset();
        if (quote < 0 || quote >= body.length || body[(int) quote] != '"') {
            return parser.getBinaryValue();
        }
        int start = (int) quote + 1;
        int end = start;
        while (end < body.length && body[end] != '"') {
            if (body[end] == '\\') {
                return parser.getBinaryValue();
            }
            end++;
        }
        if (end == body.length) {
            return parser.getBinaryValue();
        }
        java.nio.ByteBuffer decoded = java.util.Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(body, start, end - start));
        byte[] array = decoded.array();
        return decoded.arrayOffset() == 0 && decoded.remaining() == array.length ? array
                : java.util.Arrays.copyOfRange(array, decoded.arrayOffset() + decoded.position(), decoded.arrayOffset() + decoded.limit());
    }

    private static boolean valid(FieldRule rule, String text) {
        return text.length() >= rule.minLength() && text.length() <= rule.maxLength() && rule.pattern().matches(text);
    }
}

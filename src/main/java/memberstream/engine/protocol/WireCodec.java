package memberstream.engine.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Reads request bodies into trees and writes answers, in JSON or CBOR (Jackson underneath).
 * The two encodings differ in blobs (base64 text vs byte strings) and timestamps: JSON carries epoch
 * seconds with a fraction ({@code 1506440188.749}), CBOR a tag 1 with integer epoch <em>milliseconds</em>,
 * which is what the AWS SDKs write and expect. Thread-safe; one instance serves all requests.
 */
public final class WireCodec {

    private static final int MAX_STRING_CHARS = 64 * 1024 * 1024;

    private final ObjectMapper json;
    private final ObjectMapper cbor;

    public WireCodec() {
        JsonFactory jsonFactory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build())
                .build();
        CBORFactory cborFactory = CBORFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build())
                .build();
        this.json = new ObjectMapper(jsonFactory);
        this.cbor = new ObjectMapper(cborFactory);
        json.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** Parses a body; anything but one object (an empty body counts as an empty object) is a SerializationException. */
    public JsonNode read(byte[] body, WireFormat format) {
        if (body.length == 0) {
            return json.createObjectNode();
        }
        JsonNode tree;
        try {
            tree = (format == WireFormat.CBOR ? cbor : json).readTree(body);
        } catch (IOException | RuntimeException e) {
            throw ProtocolError.SERIALIZATION.exception("Start of structure or map found where not expected, or the body is not valid "
                    + (format == WireFormat.CBOR ? "CBOR" : "JSON") + ".");
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return json.createObjectNode();
        }
        if (!tree.isObject()) {
            throw ProtocolError.SERIALIZATION.exception("Expected a structure at the top of the request body.");
        }
        requireWellFormedText(tree);
        return tree;
    }

    /**
     * Refuses text that is not a sequence of Unicode characters (a lone surrogate, from a JSON
     * {@code \ud800} escape or a CBOR text string): it cannot be stored, echoed or written back.
     */
    private static void requireWellFormedText(JsonNode node) {
        if (node.isTextual()) {
            requireWellFormed(node.textValue());
        } else if (node.isObject()) {
            for (java.util.Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                requireWellFormed(field.getKey());
                requireWellFormedText(field.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                requireWellFormedText(item);
            }
        }
    }

    private static void requireWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    throw ProtocolError.SERIALIZATION.exception("The request body holds text that is not valid Unicode "
                            + "(an unpaired surrogate at character " + i + ").");
                }
            }
        }
    }

    /** A streaming parser over a body, for {@link FastPath}s. */
    public JsonParser parser(byte[] body, WireFormat format) throws IOException {
        return (format == WireFormat.CBOR ? cbor : json).getFactory().createParser(body);
    }

    /** Writes an answer: maps, lists, strings, numbers, booleans, byte[] blobs, Instant timestamps, {@link WireWritable}s. */
    public byte[] write(Object value, WireFormat format) {
        if (value instanceof WireWritable writable) {
            byte[] encoded = writable.encoded(format);
            if (encoded != null) {
                return encoded;
            }
        }
        try {
            Output out = new Output(value instanceof WireWritable w ? w.sizeHint() : 256);
            try (JsonGenerator generator = (format == WireFormat.CBOR ? cbor : json).getFactory().createGenerator(out)) {
                new WireWriter(generator, format).value(value);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The blob in a field of a parsed body: base64 text in JSON, a byte string in CBOR. */
    public static byte[] blob(JsonNode node) {
        if (node.isBinary()) {
            try {
                return node.binaryValue();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw ProtocolError.SERIALIZATION.exception("'" + abbreviate(node.asText())
                    + "' can not be converted to a Blob: Invalid Base64 character");
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    /** A timestamp field of a parsed body: epoch millis in CBOR, epoch seconds (with fraction) in JSON, or ISO-8601 text. */
    public static Instant timestamp(JsonNode node, WireFormat format) {
        try {
            if (node.isTextual()) {
                return Instant.parse(node.asText());
            }
            BigDecimal number = node.decimalValue();
            BigDecimal millis = format == WireFormat.CBOR ? number : number.movePointRight(3);
            // Exact, and within what Instant holds: a wrapped long would be another time.
            return Instant.ofEpochMilli(millis.setScale(0, java.math.RoundingMode.DOWN).longValueExact());
        } catch (java.time.DateTimeException | ArithmeticException | NumberFormatException e) {
            throw ProtocolError.SERIALIZATION.exception("'" + abbreviate(node.asText()) + "' can not be converted to a Timestamp");
        }
    }

    /** True when {@code node} is a timestamp {@link #timestamp} can read (in either encoding). */
    static boolean isTimestamp(JsonNode node) {
        if (!node.isTextual() && !node.isNumber()) {
            return false;
        }
        try {
            timestamp(node, WireFormat.JSON);
            return true;
        } catch (AwsServiceException e) {
            return false;
        }
    }

    /** A byte array output stream without synchronisation, sized up front. */
    private static final class Output extends java.io.OutputStream {
        private byte[] bytes;
        private int size;

        Output(int initial) {
            bytes = new byte[Math.max(64, initial)];
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            ensure(length);
            System.arraycopy(source, offset, bytes, size, length);
            size += length;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return size == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, size);
        }
    }
}

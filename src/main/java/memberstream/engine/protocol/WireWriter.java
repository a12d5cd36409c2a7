package memberstream.engine.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Writes one answer in JSON or CBOR. Maps skip null values (AWS leaves absent members out).
 * Not thread-safe: one writer per answer.
 */
public final class WireWriter {

    private final JsonGenerator generator;
    private final WireFormat format;

    WireWriter(JsonGenerator generator, WireFormat format) {
        this.generator = generator;
        this.format = format;
    }

    public WireFormat format() {
        return format;
    }

    public WireWriter startObject() throws IOException {
        generator.writeStartObject();
        return this;
    }

    public WireWriter endObject() throws IOException {
        generator.writeEndObject();
        return this;
    }

    public WireWriter startArray() throws IOException {
        generator.writeStartArray();
        return this;
    }

    public WireWriter endArray() throws IOException {
        generator.writeEndArray();
        return this;
    }

    public WireWriter name(String name) throws IOException {
        generator.writeFieldName(name);
        return this;
    }

    public WireWriter string(String name, String value) throws IOException {
        if (value != null) {
            generator.writeStringField(name, value);
        }
        return this;
    }

    public WireWriter number(String name, long value) throws IOException {
        generator.writeNumberField(name, value);
        return this;
    }

    public WireWriter blob(String name, byte[] value, int offset, int length) throws IOException {
        generator.writeFieldName(name);
        if (format == WireFormat.JSON) {
            // The JDK's encoder is much faster than the generator's; base64 needs no JSON escaping.
            byte[] encoded = java.util.Base64.getEncoder().encode(java.nio.ByteBuffer.wrap(value, offset, length)).array();
            generator.writeRawUTF8String(encoded, 0, encoded.length);
        } else {
            generator.writeBinary(value, offset, length);
        }
        return this;
    }

    public WireWriter timestamp(String name, long epochMillis) throws IOException {
        generator.writeFieldName(name);
        timestampValue(epochMillis);
        return this;
    }

    private void timestampValue(long epochMillis) throws IOException {
        if (format == WireFormat.CBOR) {
            ((CBORGenerator) generator).writeTag(1);
            generator.writeNumber(epochMillis);
        } else {
            generator.writeNumber(BigDecimal.valueOf(epochMillis, 3));
        }
    }

    /** Writes any supported value: null, String, Number, Boolean, byte[], Instant, Map, Collection, WireWritable, Enum. */
    public void value(Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String s) {
            generator.writeString(s);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigDecimal d) {
            generator.writeNumber(d);
        } else if (value instanceof Number n) {
            generator.writeNumber(n.doubleValue());
        } else if (value instanceof Boolean b) {
            generator.writeBoolean(b);
        } else if (value instanceof byte[] bytes) {
            generator.writeBinary(bytes);
        } else if (value instanceof Instant instant) {
            timestampValue(instant.toEpochMilli());
        } else if (value instanceof Enum<?> e) {
            generator.writeString(e.name());
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getValue() != null) {
                    generator.writeFieldName(String.valueOf(entry.getKey()));
                    value(entry.getValue());
                }
            }
            generator.writeEndObject();
        } else if (value instanceof Collection<?> list) {
            generator.writeStartArray();
            for (Object item : list) {
                value(item);
            }
            generator.writeEndArray();
        } else if (value instanceof WireWritable writable) {
            writable.writeTo(this);
        } else {
            throw new IllegalArgumentException("Cannot write a " + value.getClass().getName());
        }
    }

    /** A field with any supported value; a null value writes nothing. */
    public WireWriter field(String name, Object value) throws IOException {
        if (value != null) {
            generator.writeFieldName(name);
            value(value);
        }
        return this;
    }
}

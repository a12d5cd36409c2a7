package memberstream.engine.cloudwatch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Writes a CloudWatch answer (maps, lists, strings, numbers, {@link Instant}s) in one of its three
 * protocols: RPC v2 CBOR (timestamps as tag 1, epoch seconds), AWS JSON 1.0 (epoch seconds) and the query
 * protocol's XML ({@code <OpResponse><OpResult>...</OpResult><ResponseMetadata>}, lists as
 * {@code member} elements, timestamps in ISO 8601). Stateless and thread-safe.
 */
final class AnswerWriter {

    private static final CBORFactory CBOR = new CBORFactory();
    private static final JsonFactory JSON = new JsonFactory();

    private AnswerWriter() {
    }

    static byte[] cbor(Map<String, ?> answer) {
        return write(CBOR, answer);
    }

    static byte[] json(Map<String, ?> answer) {
        return write(JSON, answer);
    }

    static String xml(String operation, Map<String, ?> answer, String namespace, String requestId) {
        StringBuilder xml = new StringBuilder("<").append(operation).append("Response xmlns=\"").append(namespace).append("\">");
        if (!answer.isEmpty()) {
            xml.append('<').append(operation).append("Result>");
            answer.forEach((key, value) -> element(xml, key, value));
            xml.append("</").append(operation).append("Result>");
        }
        xml.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata></")
                .append(operation).append("Response>");
        return xml.toString();
    }

    private static byte[] write(JsonFactory factory, Map<String, ?> answer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator generator = factory.createGenerator(bytes)) {
            value(generator, answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void value(JsonGenerator out, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName(entry.getKey().toString());
                value(out, entry.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof List<?> list) {
            out.writeStartArray();
            for (Object item : list) {
                value(out, item);
            }
            out.writeEndArray();
        } else if (value instanceof Instant instant) {
            if (out instanceof CBORGenerator cbor) {
                cbor.writeTag(1);
                out.writeNumber(instant.toEpochMilli() / 1000.0);
            } else {
                out.writeNumber(BigDecimal.valueOf(instant.toEpochMilli(), 3).stripTrailingZeros().toPlainString());
            }
        } else if (value instanceof Double number) {
            out.writeNumber(number);
        } else if (value instanceof Number number) {
            out.writeNumber(number.longValue());
        } else if (value instanceof Boolean bool) {
            out.writeBoolean(bool);
        } else {
            out.writeString(String.valueOf(value));
        }
    }

    private static void element(StringBuilder xml, String name, Object value) {
        xml.append('<').append(name).append('>');
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, inner) -> element(xml, key.toString(), inner));
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                element(xml, "member", item);
            }
        } else if (value instanceof Instant instant) {
            xml.append(DateTimeFormatter.ISO_INSTANT.format(instant));
        } else {
            xml.append(escape(String.valueOf(value)));
        }
        xml.append("</").append(name).append('>');
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

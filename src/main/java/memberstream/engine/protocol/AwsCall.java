package memberstream.engine.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One validated call of an operation: the parsed body and what the front door learnt about it.
 * Accessors return null for absent members. Immutable.
 */
public record AwsCall(String operation, JsonNode body, WireFormat format, String region, String requestId) {

    public boolean has(String member) {
        JsonNode node = body.get(member);
        return node != null && !node.isNull();
    }

    public JsonNode node(String member) {
        JsonNode node = body.get(member);
        return node == null || node.isNull() ? null : node;
    }

    public String string(String member) {
        JsonNode node = node(member);
        return node == null ? null : node.asText();
    }

    public Integer integer(String member) {
        JsonNode node = node(member);
        return node == null ? null : node.asInt();
    }

    public int integer(String member, int absent) {
        JsonNode node = node(member);
        return node == null ? absent : node.asInt();
    }

    public Boolean bool(String member) {
        JsonNode node = node(member);
        return node == null ? null : node.asBoolean();
    }

    public byte[] blob(String member) {
        JsonNode node = node(member);
        return node == null ? null : WireCodec.blob(node);
    }

    public Instant timestamp(String member) {
        JsonNode node = node(member);
        return node == null ? null : WireCodec.timestamp(node, format);
    }
}

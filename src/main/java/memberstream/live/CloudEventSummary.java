package memberstream.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads the few CloudEvents attributes the live tail shows from a record's data. Anything that is not
 * a JSON object with a {@code type} is still shown, as "unknown" with a text preview: other producers
 * may write to the same stream.
 */
record CloudEventSummary(String type, String member, Instant time) {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int PREVIEW_CHARS = 400;

    static CloudEventSummary parse(byte[] data) {
        try {
            JsonNode node = JSON.readTree(data);
            if (node == null || !node.isObject() || !node.path("type").isTextual()) {
                return new CloudEventSummary("unknown", null, null);
            }
            return new CloudEventSummary(node.get("type").asText(), member(node), time(node.path("time")));
        } catch (java.io.IOException notJson) {
            return new CloudEventSummary("unknown", null, null);
        }
    }

    /**
     * The member's e-mail with the subject (member id) in brackets. A member event's data carries
     * {@code changes: {email: {before, after}}} (after for created/updated, before for deleted); a
     * flat {@code email} field is read too.
     */
    private static String member(JsonNode event) {
        JsonNode data = event.path("data");
        JsonNode email = data.path("changes").path("email");
        String found = email.path("after").isTextual() ? email.get("after").asText()
                : email.path("before").isTextual() ? email.get("before").asText()
                : data.path("email").isTextual() ? data.get("email").asText() : null;
        if (found != null) {
            String subject = event.path("subject").asText("");
            return subject.isEmpty() ? found : found + " (" + subject + ")";
        }
        if (event.path("subject").isTextual()) {
            return event.get("subject").asText();
        }
        return data.path("id").isValueNode() ? data.get("id").asText() : null;
    }

    private static Instant time(JsonNode time) {
        if (!time.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(time.asText()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String preview(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, PREVIEW_CHARS * 4), StandardCharsets.UTF_8);
        return text.length() > PREVIEW_CHARS ? text.substring(0, PREVIEW_CHARS) + "…" : text;
    }
}

package memberstream.live.tail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import memberstream.live.EventTypes;

/**
 * Reads the few CloudEvents attributes the live tail shows from a record's data. Anything that is not
 * a JSON object with a {@code type} is still shown, as "unknown" with a text preview: other producers
 * may write to the same stream.
 *
 * @param subject the CloudEvents {@code subject} (a member event's member id), or null
 * @param email   the member's e-mail when the event carries it: in its changes (after, or before for a
 *                delete) or as a flat {@code email} field. An update carries only the fields it
 *                changed, so it usually has none; {@link MemberEmails} fills it in from earlier events.
 */
record CloudEventSummary(String type, String subject, String email, String fullName, Instant time) {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int PREVIEW_CHARS = 400;

    static CloudEventSummary parse(byte[] data) {
        try {
            JsonNode node = JSON.readTree(data);
            if (node == null || !node.isObject() || !node.path("type").isTextual()) {
                return new CloudEventSummary("unknown", null, null, null, null);
            }
            JsonNode payload = node.path("data");
            String subject = node.path("subject").isTextual() ? node.get("subject").asText()
                    : payload.path("id").isValueNode() ? payload.get("id").asText() : null;
            return new CloudEventSummary(node.get("type").asText(), subject, changed(payload, "email"),
                    changed(payload, "fullName"), time(node.path("time")));
        } catch (java.io.IOException notJson) {
            return new CloudEventSummary("unknown", null, null, null, null);
        }
    }

    /** A field's value after the change, else before it (a delete), else a flat field of that name. */
    private static String changed(JsonNode data, String field) {
        JsonNode change = data.path("changes").path(field);
        return change.path("after").isTextual() ? change.get("after").asText()
                : change.path("before").isTextual() ? change.get("before").asText()
                : data.path(field).isTextual() ? data.get(field).asText() : null;
    }

    boolean memberEvent() {
        return type.contains(".member.");
    }

    boolean deletion() {
        return memberEvent() && "deleted".equals(EventTypes.shortName(type));
    }

    /** This event with the e-mail known from earlier ones when it carries none itself. */
    CloudEventSummary withEmail(String known) {
        return email != null || known == null ? this : new CloudEventSummary(type, subject, known, fullName, time);
    }

    /**
     * How the live tail names the member: the e-mail with the member id in brackets; without an
     * e-mail, the full name if the event changed it, else "member 42"; for other events the subject.
     */
    String member() {
        String label = email != null ? email : memberEvent() ? fullName : null;
        if (label != null) {
            return subject == null ? label : label + " (" + subject + ")";
        }
        if (subject == null) {
            return null;
        }
        return memberEvent() ? "member " + subject : subject;
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

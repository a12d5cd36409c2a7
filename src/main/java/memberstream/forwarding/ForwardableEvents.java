package memberstream.forwarding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import memberstream.member.MemberChanged;
import memberstream.member.MembersImported;
import memberstream.settings.Settings;
import memberstream.settings.SettingsChanged;

/** How each application event looks on the wire: its CloudEvents source, type, subject and key. */
final class ForwardableEvents {

    static final String MEMBERS_SOURCE = "/memberstream/members";
    static final String SETTINGS_SOURCE = "/memberstream/settings";
    static final String TYPE_PREFIX = "io.memberstream.";
    static final String SETTINGS_SUBJECT = "settings";

    /** The {@code data} of a settings change: who changed what, like a member change. */
    record SettingsChangeData(UUID eventId, Instant occurredAt, String actor, long version,
                              Map<String, FieldChange> changes) {
    }

    /** One setting before and after, as text. */
    record FieldChange(String before, String after) {
    }

    private ForwardableEvents() {
    }

    static ForwardableEvent of(MemberChanged event) {
        String memberId = Long.toString(event.memberId());
        return new ForwardableEvent(event.eventId(), MEMBERS_SOURCE,
                TYPE_PREFIX + "member." + event.type().name().toLowerCase(Locale.ROOT), memberId,
                event.occurredAt(), event.actor(), memberId, event, event.version());
    }

    /** The event with its CloudEvent's JSON bytes: the one serialisation, stored in its row and sent as is. */
    static ForwardableEvent written(ForwardableEvent event, ObjectMapper json) {
        try {
            return event.withPayload(json.writeValueAsBytes(event.toCloudEvent()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write event " + event.id() + " as JSON", e);
        }
    }

    /** The created events of an import batch, in the batch's order. */
    static List<ForwardableEvent> of(MembersImported batch) {
        List<ForwardableEvent> events = new ArrayList<>(batch.changes().size());
        for (MemberChanged change : batch.changes()) {
            events.add(of(change));
        }
        return events;
    }

    static ForwardableEvent of(SettingsChanged event) {
        Settings current = event.current();
        UUID id = idOf(event);
        Instant time = current.updatedAt() != null ? current.updatedAt() : Instant.EPOCH;
        var changes = new LinkedHashMap<String, FieldChange>();
        change(changes, "firehose", event.previous().firehose(), current.firehose());
        change(changes, "kinesisStreamName", event.previous().kinesisStreamName(), current.kinesisStreamName());
        change(changes, "firehoseDeliveryStreamName", event.previous().firehoseDeliveryStreamName(),
                current.firehoseDeliveryStreamName());
        return new ForwardableEvent(id, SETTINGS_SOURCE, TYPE_PREFIX + "settings.changed", SETTINGS_SUBJECT, time,
                current.updatedBy(), SETTINGS_SUBJECT,
                new SettingsChangeData(id, time, current.updatedBy(), current.version(), changes), current.version());
    }

    /**
     * The event id of a forwarded application event, or null for any other. A settings change has no id
     * of its own; each settings version is changed once, so the id is derived from it and a resent
     * change keeps its id.
     */
    static UUID idOf(Object event) {
        if (event instanceof MemberChanged changed) {
            return changed.eventId();
        }
        if (event instanceof SettingsChanged changed) {
            return UUID.nameUUIDFromBytes(("memberstream-settings-version-" + changed.current().version())
                    .getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private static void change(Map<String, FieldChange> changes, String name, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.put(name, new FieldChange(String.valueOf(before), String.valueOf(after)));
        }
    }
}

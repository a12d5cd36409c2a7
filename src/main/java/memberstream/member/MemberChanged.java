package memberstream.member;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One change to one member, published by {@link MemberService} inside the transaction that made it and
 * forwarded after commit. A small Jackson-serialisable record (forwarding writes it into its outbox row
 * as a CloudEvent in the same transaction), never an entity.
 *
 * @param eventId    unique per change; a resend carries the same id, so consumers can drop duplicates
 * @param type       created, updated or deleted
 * @param memberId   the member's id, also the Kinesis partition key
 * @param occurredAt when the change was made (the console's clock)
 * @param actor      the user who made it
 * @param version    the member's version after the change; a delete carries the last version + 1, so
 *                   versions of one member's events always increase
 * @param changes    field name to before/after, as text: every field for created (before null) and
 *                   deleted (after null), only the changed fields for updated
 */
public record MemberChanged(
        UUID eventId,
        Type type,
        long memberId,
        Instant occurredAt,
        String actor,
        long version,
        Map<String, Change> changes) {

    public enum Type {
        CREATED,
        UPDATED,
        DELETED
    }

    /** One field's value before and after the change, as text; null where there was none. */
    public record Change(String before, String after) {
    }

    static MemberChanged created(Member member, String actor) {
        return new MemberChanged(UUID.randomUUID(), Type.CREATED, member.getId(), member.getCreatedAt(), actor,
                member.getVersion(), diff(Map.of(), fieldsOf(member)));
    }

    /** The created event of {@code draft} once inserted with this id, version and creation time. */
    static MemberChanged created(Member draft, long id, long version, Instant at, String actor) {
        return new MemberChanged(UUID.randomUUID(), Type.CREATED, id, at, actor, version,
                diff(Map.of(), fieldsOf(draft)));
    }

    static MemberChanged updated(Map<String, String> before, Member after, String actor) {
        return new MemberChanged(UUID.randomUUID(), Type.UPDATED, after.getId(), after.getUpdatedAt(), actor,
                after.getVersion(), diff(before, fieldsOf(after)));
    }

    static MemberChanged deleted(Member member, String actor, Instant at) {
        return new MemberChanged(UUID.randomUUID(), Type.DELETED, member.getId(), at, actor,
                member.getVersion() + 1, diff(fieldsOf(member), Map.of()));
    }

    /** The member's editable fields as text, in a fixed order; absent values are left out. */
    static Map<String, String> fieldsOf(Member member) {
        var fields = new LinkedHashMap<String, String>();
        put(fields, "fullName", member.getFullName());
        put(fields, "email", member.getEmail());
        put(fields, "phone", member.getPhone());
        put(fields, "role", member.getRole());
        put(fields, "status", member.getStatus());
        put(fields, "joinedOn", member.getJoinedOn());
        put(fields, "notes", member.getNotes());
        return fields;
    }

    private static void put(Map<String, String> fields, String name, Object value) {
        if (value != null) {
            fields.put(name, value.toString());
        }
    }

    private static Map<String, Change> diff(Map<String, String> before, Map<String, String> after) {
        var changes = new LinkedHashMap<String, Change>();
        for (String name : FIELD_ORDER) {
            String was = before.get(name);
            String now = after.get(name);
            if (!Objects.equals(was, now)) {
                changes.put(name, new Change(was, now));
            }
        }
        return Collections.unmodifiableMap(changes);
    }

    private static final String[] FIELD_ORDER = {"fullName", "email", "phone", "role", "status", "joinedOn", "notes"};
}

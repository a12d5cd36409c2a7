package memberstream.forwarding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import memberstream.member.MemberChanged;
import memberstream.member.MembersImported;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A member's history: each change (created, updated, deleted) with its field values before and after,
 * who made it and when, and where the event went (Kinesis stream, shard and sequence number, or the
 * Firehose delivery stream and record id), newest first. Reachable by id after the member is deleted.
 *
 * <p>Storage: {@code member_changes} (V65), one row per {@link MemberChanged}, written inside the change's
 * own transaction (a rolled-back change leaves no history): in one statement with the event's outbox row
 * ({@link ChangeForwardingListener}, one round trip to the database instead of two), or alone by
 * {@link #record} while forwarding is switched off (benchmarks); an import batch's rows as one JDBC batch. The
 * changes as a JSON object {@code {"field": {"before": ..., "after": ...}}}. The delivery side is the
 * event log ({@code forwarded_events}), joined by event id; an event not yet written there (forwarding
 * off, or its row still to come) shows as not forwarded. Thread-safe: stateless apart from its beans.
 */
@Component
public class MemberHistory {

    /** At most this many entries are read for one member: bounded cost however busy a member was. */
    public static final int MAX_ENTRIES = 200;

    private static final TypeReference<LinkedHashMap<String, MemberChanged.Change>> CHANGES = new TypeReference<>() {
    };

    static final String INSERT = """
            insert into member_changes (event_id, member_id, change_type, version, occurred_at, actor, changes)
            values (?, ?, ?, ?, ?, ?, ?)""";

    private static final String SELECT = """
            select c.event_id, c.change_type, c.version, c.occurred_at, c.actor, c.changes,
                   f.status, f.sink, f.destination, f.shard_id, f.sequence_number, f.record_id, f.attempts,
                   f.last_error, f.delivered_at
            from member_changes c left join forwarded_events f on f.event_id = c.event_id
            where c.member_id = ?
            order by c.version desc, c.occurred_at desc
            limit ?""";

    /** One field's value before and after a change; null where there was none. */
    public record FieldChange(String field, String before, String after) {
    }

    /**
     * Where an event went. {@code status} null: not in the event log (forwarding off, or not yet
     * written). Kinesis: {@code destination} is the stream, with shard and sequence number; Firehose:
     * the delivery stream, with the record id.
     */
    public record Destination(DeliveryStatus status, SinkKind sink, String destination, String shardId,
                              String sequenceNumber, String recordId, int attempts, String lastError,
                              Instant deliveredAt) {

        /** A line for a person: "Kinesis stream members, shard shardId-000000000001, sequence 4959…". */
        public String describe() {
            if (status == null) {
                return "Not forwarded";
            }
            String where = sink == null ? "" : switch (sink) {
                case KINESIS -> "Kinesis stream " + destination
                        + (shardId == null ? "" : ", " + shardId + ", sequence " + sequenceNumber);
                case FIREHOSE -> "Firehose delivery stream " + destination
                        + (recordId == null ? "" : ", record " + recordId);
            };
            return switch (status) {
                case DELIVERED -> "Delivered to " + where;
                case PENDING -> "Waiting to be sent" + (where.isEmpty() ? "" : " to " + where);
                case FAILED -> "Failed after " + attempts + " attempt(s)" + (where.isEmpty() ? "" : " to " + where)
                        + (lastError == null ? "" : ": " + lastError);
            };
        }
    }

    /** One change of the member, with what it changed and where its event went. */
    public record Entry(UUID eventId, MemberChanged.Type type, long version, Instant occurredAt, String actor,
                        List<FieldChange> changes, Destination destination) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    MemberHistory(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Records the change alone, in the publishing transaction (while forwarding is off: benchmarks). */
    void record(MemberChanged event) {
        jdbc.update(INSERT, arguments(event));
    }

    /** The arguments of {@link #INSERT} for one change. */
    Object[] arguments(MemberChanged event) {
        return new Object[] {event.eventId(), event.memberId(), event.type().name(), event.version(),
                Timestamp.from(event.occurredAt()), event.actor(), write(event.changes())};
    }

    /** Records a batch of imported members' created events in the batch's transaction, as one JDBC batch. */
    @EventListener
    public void record(MembersImported batch) {
        List<MemberChanged> changes = batch.changes();
        jdbc.batchUpdate(INSERT, changes, changes.size(), (statement, event) -> {
            statement.setObject(1, event.eventId());
            statement.setLong(2, event.memberId());
            statement.setString(3, event.type().name());
            statement.setLong(4, event.version());
            statement.setTimestamp(5, Timestamp.from(event.occurredAt()));
            statement.setString(6, event.actor());
            statement.setString(7, write(event.changes()));
        });
    }

    /** Member {@code memberId}'s changes, newest first, at most {@link #MAX_ENTRIES}; empty if none is known. */
    @Transactional(readOnly = true)
    public List<Entry> of(long memberId) {
        return jdbc.query(SELECT, this::entry, memberId, MAX_ENTRIES);
    }

    private Entry entry(ResultSet row, int index) throws SQLException {
        String status = row.getString("status");
        String sink = row.getString("sink");
        Timestamp deliveredAt = row.getTimestamp("delivered_at");
        var destination = new Destination(status == null ? null : DeliveryStatus.valueOf(status),
                sink == null ? null : SinkKind.valueOf(sink), row.getString("destination"),
                row.getString("shard_id"), row.getString("sequence_number"), row.getString("record_id"),
                row.getInt("attempts"), row.getString("last_error"),
                deliveredAt == null ? null : deliveredAt.toInstant());
        return new Entry(row.getObject("event_id", UUID.class), MemberChanged.Type.valueOf(row.getString("change_type")),
                row.getLong("version"), row.getTimestamp("occurred_at").toInstant(), row.getString("actor"),
                read(row.getString("changes")), destination);
    }

    private String write(Map<String, MemberChanged.Change> changes) {
        try {
            return json.writeValueAsString(changes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the changes of a member as JSON", e);
        }
    }

    private List<FieldChange> read(String changes) {
        try {
            var fields = new ArrayList<FieldChange>();
            json.readValue(changes, CHANGES).forEach((field, change) ->
                    fields.add(new FieldChange(field, change.before(), change.after())));
            return fields;
        } catch (JsonProcessingException e) {
            return List.of(new FieldChange("(unreadable)", null, changes));
        }
    }
}

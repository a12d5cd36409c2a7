package memberstream.forwarding;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of the event log (table {@code forwarded_events}, V20). Read through JPA by the Event log
 * view; written by {@link EventLog} with plain SQL, in batches, which also bumps {@code version}.
 */
@Entity
@Table(name = "forwarded_events")
public class ForwardedEvent {

    @Id
    private UUID eventId;
    private String eventType;
    private String subject;
    private Instant occurredAt;
    private String actor;
    @Enumerated(EnumType.STRING)
    private DeliveryStatus status;
    @Enumerated(EnumType.STRING)
    private SinkKind sink;
    private String destination;
    private int attempts;
    private String lastError;
    private String shardId;
    private String sequenceNumber;
    private String recordId;
    private Instant deliveredAt;
    @Column(nullable = false)
    private Instant updatedAt;
    private String sentBy;
    private String payload;
    @Version
    private long version;

    protected ForwardedEvent() {
    }

    public UUID getEventId() {
        return eventId;
    }

    /** The CloudEvents type, e.g. {@code io.memberstream.member.updated}. */
    public String getEventType() {
        return eventType;
    }

    /** The member id, or {@code settings}. */
    public String getSubject() {
        return subject;
    }

    public Instant getOccurredAt() {
        return occurredAt;
    }

    public String getActor() {
        return actor;
    }

    public DeliveryStatus getStatus() {
        return status;
    }

    /** Null until the first send. */
    public SinkKind getSink() {
        return sink;
    }

    /** The stream or delivery stream name; null until the first send. */
    public String getDestination() {
        return destination;
    }

    public int getAttempts() {
        return attempts;
    }

    public String getLastError() {
        return lastError;
    }

    public String getShardId() {
        return shardId;
    }

    public String getSequenceNumber() {
        return sequenceNumber;
    }

    public String getRecordId() {
        return recordId;
    }

    public Instant getDeliveredAt() {
        return deliveredAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    /** The console instance whose send the sink acknowledged; null until delivered. */
    public String getSentBy() {
        return sentBy;
    }

    /** The CloudEvent's JSON as sent (V61); null before the first outcome and for rows older than V61. */
    public String getPayload() {
        return payload;
    }

    public long getVersion() {
        return version;
    }
}

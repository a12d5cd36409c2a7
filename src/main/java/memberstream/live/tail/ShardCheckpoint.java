package memberstream.live.tail;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A console's read position of a shard in table {@code live_checkpoint}, one row per (console, stream, shard). */
@Entity
@Table(name = "live_checkpoint")
class ShardCheckpoint {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "instance_id", nullable = false, length = 128)
    private String instanceId;

    @Column(name = "stream_name", nullable = false, length = 128)
    private String streamName;

    @Column(name = "stream_created_at", nullable = false)
    private Instant streamCreatedAt;

    @Column(name = "shard_id", nullable = false, length = 128)
    private String shardId;

    @Column(name = "sequence_number", length = 128)
    private String sequenceNumber;

    @Column(name = "finished", nullable = false)
    private boolean finished;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    private long version;

    protected ShardCheckpoint() {
    }

    ShardCheckpoint(String instanceId, String streamName, Instant streamCreatedAt, String shardId) {
        this.instanceId = instanceId;
        this.streamName = streamName;
        this.streamCreatedAt = streamCreatedAt;
        this.shardId = shardId;
    }

    void moveTo(String sequenceNumber, boolean finished, Instant now) {
        this.sequenceNumber = sequenceNumber;
        this.finished = finished;
        this.updatedAt = now;
    }

    String shardId() {
        return shardId;
    }

    Instant streamCreatedAt() {
        return streamCreatedAt;
    }

    Checkpoints.Checkpoint toCheckpoint() {
        return new Checkpoints.Checkpoint(shardId, sequenceNumber, finished);
    }
}

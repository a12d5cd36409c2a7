package memberstream.live.tail;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import memberstream.base.InstanceId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Checkpoints in PostgreSQL (table {@code live_checkpoint}, V30 and V56), kept per console: each
 * console's live tail reads the stream for its own browsers, so its positions are keyed by its
 * {@code memberstream.instance-id} and never read or moved by another console. Called only by the
 * consumer thread.
 */
@Component
class JpaCheckpoints implements Checkpoints {

    private final ShardCheckpointRepository repository;
    private final Clock clock;
    private final Supplier<String> instanceId;

    @Autowired
    JpaCheckpoints(ShardCheckpointRepository repository, Clock clock, InstanceId instanceId) {
        this(repository, clock, instanceId::get);
    }

    JpaCheckpoints(ShardCheckpointRepository repository, Clock clock, Supplier<String> instanceId) {
        this.repository = repository;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    @Override
    @Transactional
    public Map<String, Checkpoint> load(String streamName, Instant streamCreatedAt) {
        Map<String, Checkpoint> result = new HashMap<>();
        List<ShardCheckpoint> rows = repository.findByInstanceIdAndStreamName(instanceId.get(), streamName);
        for (ShardCheckpoint row : rows) {
            if (sameInstant(row.streamCreatedAt(), streamCreatedAt)) {
                result.put(row.shardId(), row.toCheckpoint());
            } else {
                repository.delete(row);
            }
        }
        return result;
    }

    @Override
    @Transactional
    public void save(String streamName, Instant streamCreatedAt, Collection<Checkpoint> checkpoints) {
        Map<String, ShardCheckpoint> existing = repository.findByInstanceIdAndStreamName(instanceId.get(), streamName).stream()
                .filter(row -> sameInstant(row.streamCreatedAt(), streamCreatedAt))
                .collect(Collectors.toMap(ShardCheckpoint::shardId, Function.identity()));
        Instant now = clock.instant();
        for (Checkpoint checkpoint : checkpoints) {
            ShardCheckpoint row = existing.computeIfAbsent(checkpoint.shardId(),
                    id -> new ShardCheckpoint(instanceId.get(), streamName, streamCreatedAt.truncatedTo(ChronoUnit.MILLIS), id));
            row.moveTo(checkpoint.sequenceNumber(), checkpoint.finished(), now);
            repository.save(row);
        }
    }

    private static boolean sameInstant(Instant a, Instant b) {
        return a.truncatedTo(ChronoUnit.MILLIS).equals(b.truncatedTo(ChronoUnit.MILLIS));
    }
}

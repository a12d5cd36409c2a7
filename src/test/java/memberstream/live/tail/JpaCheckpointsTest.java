package memberstream.live.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import memberstream.ConsoleTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@ConsoleTest
class JpaCheckpointsTest {

    @Autowired
    JpaCheckpoints checkpoints;

    @Autowired
    ShardCheckpointRepository repository;

    private final String stream = "checkpoints-" + UUID.randomUUID();
    private final Instant created = Instant.parse("2026-12-01T10:00:00.123456Z");

    @Test
    void savesInOneBatchAndLoadsWhatWasSaved() {
        checkpoints.save(stream, created, List.of(
                new Checkpoints.Checkpoint("shardId-000000000000", "49660000000000000000000000000000000000000000000000000001", false),
                new Checkpoints.Checkpoint("shardId-000000000001", null, false)));
        checkpoints.save(stream, created, List.of(
                new Checkpoints.Checkpoint("shardId-000000000000", "49660000000000000000000000000000000000000000000000000009", true)));

        assertThat(checkpoints.load(stream, created)).containsOnly(
                java.util.Map.entry("shardId-000000000000", new Checkpoints.Checkpoint("shardId-000000000000",
                        "49660000000000000000000000000000000000000000000000000009", true)),
                java.util.Map.entry("shardId-000000000001", new Checkpoints.Checkpoint("shardId-000000000001", null, false)));
    }

    @Test
    void aStreamRecreatedUnderTheSameNameStartsAfresh() {
        checkpoints.save(stream, created, List.of(new Checkpoints.Checkpoint("shardId-000000000000", "5", false)));
        Instant recreated = created.plusSeconds(60);

        assertThat(checkpoints.load(stream, recreated)).isEmpty();
        checkpoints.save(stream, recreated, List.of(new Checkpoints.Checkpoint("shardId-000000000000", "7", false)));
        assertThat(checkpoints.load(stream, recreated)).containsOnlyKeys("shardId-000000000000")
                .extractingByKey("shardId-000000000000").extracting(Checkpoints.Checkpoint::sequenceNumber).isEqualTo("7");
        assertThat(checkpoints.load(stream, created)).isEmpty();
    }

    @Test
    void eachConsoleKeepsItsOwnPositionsAndNeverMovesAnothers() {
        checkpoints.save(stream, created, List.of(new Checkpoints.Checkpoint("shardId-000000000000", "5", false)));
        var other = new JpaCheckpoints(repository, java.time.Clock.systemUTC(), () -> "another-console:8081");

        assertThat(other.load(stream, created)).as("another console starts without this one's positions").isEmpty();
        other.save(stream, created, List.of(new Checkpoints.Checkpoint("shardId-000000000000", "9", false)));

        assertThat(checkpoints.load(stream, created)).extractingByKey("shardId-000000000000")
                .extracting(Checkpoints.Checkpoint::sequenceNumber).isEqualTo("5");
        assertThat(other.load(stream, created)).extractingByKey("shardId-000000000000")
                .extracting(Checkpoints.Checkpoint::sequenceNumber).isEqualTo("9");
    }
}

package memberstream.live.tail;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface ShardCheckpointRepository extends JpaRepository<ShardCheckpoint, Long> {

    List<ShardCheckpoint> findByInstanceIdAndStreamName(String instanceId, String streamName);
}

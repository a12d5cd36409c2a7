package memberstream.engine.kinesis;

/**
 * A consumer registered for enhanced fan-out on one stream. Persisted with its stream's snapshot
 * ({@link KinesisStream.ConsumerSnapshot}); {@code deletedAt} is set once, under the store's lock.
 * Its ARN is {@code <stream ARN>/consumer/<name>:<creation epoch seconds>}, as on AWS.
 */
final class StreamConsumer {

    final String name;
    final long createdAt;
    Long deletedAt;

    StreamConsumer(String name, long createdAt) {
        this.name = name;
        this.createdAt = createdAt;
    }

    /** CREATING, ACTIVE or DELETING at {@code now}; null once a deregistered consumer is gone. */
    String status(long now, long delayMillis) {
        if (deletedAt != null) {
            return now < deletedAt + delayMillis ? "DELETING" : null;
        }
        return now < createdAt + delayMillis ? "CREATING" : "ACTIVE";
    }

    long createdEpochSeconds() {
        return Math.floorDiv(createdAt, 1000);
    }

    String arn(String region, String streamName) {
        return KinesisOperations.arn(region, streamName) + "/consumer/" + name + ":" + createdEpochSeconds();
    }
}

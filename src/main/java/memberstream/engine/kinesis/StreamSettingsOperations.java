package memberstream.engine.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.AwsCall;

/**
 * Kinesis's actions that change a stream's settings: retention, tags, encryption and capacity mode.
 * Thread-safe: state is read and changed under the store's lock.
 */
final class StreamSettingsOperations extends KinesisOperations {

    StreamSettingsOperations(KinesisStore store) {
        super(store);
    }

    Object increaseRetention(AwsCall call) {
        return changeRetention(call, true);
    }

    Object decreaseRetention(AwsCall call) {
        return changeRetention(call, false);
    }

    Object changeRetention(AwsCall call, boolean increase) {
        String name = streamName(call);
        int hours = call.integer("RetentionPeriodHours");
        if (hours < 24) {
            throw KinesisError.INVALID_ARGUMENT.exception("Minimum allowed retention period is 24 hours. "
                    + "Requested retention period (" + hours + " hours) is too short.");
        }
        return store.locked(() -> {
            KinesisStream stream = active(name);
            if (increase && hours < stream.retentionHours) {
                throw KinesisError.INVALID_ARGUMENT.exception("Requested retention period (" + hours + " hours) for stream "
                        + name + " can not be shorter than existing retention period (" + stream.retentionHours
                        + " hours). Use DecreaseRetentionPeriod API.");
            }
            if (!increase && hours > stream.retentionHours) {
                throw KinesisError.INVALID_ARGUMENT.exception("Requested retention period (" + hours + " hours) for stream "
                        + name + " can not be longer than existing retention period (" + stream.retentionHours
                        + " hours). Use IncreaseRetentionPeriod API.");
            }
            stream.retentionHours = hours;
            store.persist(stream);
            return NO_OUTPUT;
        });
    }

    Object addTags(AwsCall call) {
        return tag(streamName(call), StreamTags.of(call.node("Tags")));
    }

    Object tagResource(AwsCall call) {
        return tag(StreamTags.streamOfResource(call.string("ResourceARN")), StreamTags.of(call.node("Tags")));
    }

    Object tag(String name, Map<String, String> tags) {
        return store.locked(() -> {
            KinesisStream stream = existingNotDeleting(name);
            StreamTags.checkCharacters(tags, "add tags to stream " + name);
            Map<String, String> merged = new LinkedHashMap<>(stream.tags);
            merged.putAll(tags);
            StreamTags.checkCount(merged.size(), "add tags to stream " + name);
            stream.tags.clear();
            stream.tags.putAll(merged);
            store.persist(stream);
            return NO_OUTPUT;
        });
    }

    Object removeTags(AwsCall call) {
        return untag(streamName(call), call.node("TagKeys"));
    }

    Object untagResource(AwsCall call) {
        return untag(StreamTags.streamOfResource(call.string("ResourceARN")), call.node("TagKeys"));
    }

    Object untag(String name, JsonNode keys) {
        return store.locked(() -> {
            KinesisStream stream = existingNotDeleting(name);
            keys.forEach(key -> stream.tags.remove(key.asText()));
            store.persist(stream);
            return NO_OUTPUT;
        });
    }

    Object listTags(AwsCall call) {
        String name = streamName(call);
        String after = call.string("ExclusiveStartTagKey");
        int limit = call.integer("Limit", 50);
        return store.locked(() -> {
            KinesisStream stream = existing(name);
            List<String> keys = new ArrayList<>(stream.tags.keySet());
            keys.sort(null);
            List<Object> tags = new ArrayList<>();
            boolean more = false;
            for (String key : keys) {
                if (after != null && key.compareTo(after) <= 0) {
                    continue;
                }
                if (tags.size() == limit) {
                    more = true;
                    break;
                }
                tags.add(Map.of("Key", key, "Value", stream.tags.get(key)));
            }
            return Map.of("Tags", tags, "HasMoreTags", more);
        });
    }

    /** All of a stream's tags, by key; TagResource's listing has no paging. */
    Object listTagsForResource(AwsCall call) {
        String name = StreamTags.streamOfResource(call.string("ResourceARN"));
        return store.locked(() -> {
            KinesisStream stream = existing(name);
            List<String> keys = new ArrayList<>(stream.tags.keySet());
            keys.sort(null);
            List<Object> tags = new ArrayList<>();
            for (String key : keys) {
                tags.add(Map.of("Key", key, "Value", stream.tags.get(key)));
            }
            return Map.of("Tags", tags);
        });
    }

    Object startEncryption(AwsCall call) {
        return changeEncryption(call, true);
    }

    Object stopEncryption(AwsCall call) {
        return changeEncryption(call, false);
    }

    /** Recorded and reported only: there is no KMS here, the log is not encrypted. */
    Object changeEncryption(AwsCall call, boolean start) {
        String name = streamName(call);
        String type = call.string("EncryptionType");
        if (!"KMS".equals(type)) {
            throw KinesisError.INVALID_ARGUMENT.exception("Encryption type " + type + " is not supported; use KMS.");
        }
        String keyId = call.string("KeyId");
        return store.locked(() -> {
            KinesisStream stream = active(name);
            stream.encryptionType = start ? "KMS" : "NONE";
            stream.keyId = start ? keyId : null;
            stream.updatingUntil = store.now() + store.statusDelayMillis();
            store.persist(stream);
            return NO_OUTPUT;
        });
    }

    Object updateStreamMode(AwsCall call) {
        String name = nameFromArn(call.string("StreamARN"));
        String mode = streamMode(call.node("StreamModeDetails"), null);
        return store.locked(() -> {
            KinesisStream stream = active(name);
            if ("ON_DEMAND".equals(mode) && !"ON_DEMAND".equals(stream.mode) && onDemandStreams() >= ON_DEMAND_STREAM_LIMIT) {
                throw KinesisError.LIMIT_EXCEEDED.exception("This request would exceed the limit of "
                        + ON_DEMAND_STREAM_LIMIT + " on-demand streams for the account " + ACCOUNT + ".");
            }
            stream.mode = mode;
            stream.updatingUntil = store.now() + store.statusDelayMillis();
            store.persist(stream);
            return NO_OUTPUT;
        });
    }
}

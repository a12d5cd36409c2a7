package memberstream.forwarding;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * An application event in the shape the forwarder needs: its identity and envelope fields, the
 * partition key, the data object that becomes the CloudEvent's {@code data}, and its sequence: its
 * place in its subject's order (the member's version; null when it has none).
 */
record ForwardableEvent(UUID id, String source, String type, String subject, Instant time, String actor,
                        String partitionKey, Object data, Long sequence) {

    ForwardableEvent(UUID id, String source, String type, String subject, Instant time, String actor,
                     String partitionKey, Object data) {
        this(id, source, type, subject, time, actor, partitionKey, data, null);
    }

    CloudEvent toCloudEvent() {
        return new CloudEvent(CloudEvent.SPEC_VERSION, id.toString(), source, type, subject,
                DateTimeFormatter.ISO_INSTANT.format(time), CloudEvent.JSON, data);
    }
}

package memberstream.forwarding;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * An application event in the shape the forwarder needs: its identity and envelope fields, the
 * partition key, and the data object that becomes the CloudEvent's {@code data}.
 */
record ForwardableEvent(UUID id, String source, String type, String subject, Instant time, String actor,
                        String partitionKey, Object data) {

    CloudEvent toCloudEvent() {
        return new CloudEvent(CloudEvent.SPEC_VERSION, id.toString(), source, type, subject,
                DateTimeFormatter.ISO_INSTANT.format(time), CloudEvent.JSON, data);
    }
}

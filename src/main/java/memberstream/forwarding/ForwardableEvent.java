package memberstream.forwarding;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * An application event in the shape the forwarder needs: its identity and envelope fields, the
 * partition key, the data object that becomes the CloudEvent's {@code data}, its sequence (its place in
 * its subject's order: the member's version; null when it has none) and its payload: the CloudEvent's
 * JSON (UTF-8) exactly as stored in its outbox row ({@code forwarded_events.payload}) and sent. An event
 * read back from its row for a resend has the payload and no data; a new one has both (the payload is
 * written once, before its row is inserted); null payload: not written yet (unit tests, old rows).
 */
record ForwardableEvent(UUID id, String source, String type, String subject, Instant time, String actor,
                        String partitionKey, Object data, Long sequence, byte[] payload) {

    ForwardableEvent(UUID id, String source, String type, String subject, Instant time, String actor,
                     String partitionKey, Object data, Long sequence) {
        this(id, source, type, subject, time, actor, partitionKey, data, sequence, null);
    }

    ForwardableEvent(UUID id, String source, String type, String subject, Instant time, String actor,
                     String partitionKey, Object data) {
        this(id, source, type, subject, time, actor, partitionKey, data, null, null);
    }

    ForwardableEvent withPayload(byte[] bytes) {
        return new ForwardableEvent(id, source, type, subject, time, actor, partitionKey, data, sequence, bytes);
    }

    CloudEvent toCloudEvent() {
        return new CloudEvent(CloudEvent.SPEC_VERSION, id.toString(), source, type, subject,
                DateTimeFormatter.ISO_INSTANT.format(time), CloudEvent.JSON, data);
    }
}

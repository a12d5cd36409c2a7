package memberstream.forwarding;

import java.util.UUID;

/**
 * One event on its way to a sink: the CloudEvents JSON bytes, the stream or delivery stream it goes
 * to, and its partition key (the member id; ignored by Firehose).
 */
record OutgoingRecord(UUID eventId, String destination, String partitionKey, byte[] data) {
}

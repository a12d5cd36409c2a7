package memberstream.forwarding;

/**
 * A sink's acknowledgement of one record: for Kinesis the shard and sequence number, for Firehose
 * the record id. {@code attempts} counts the sends it took.
 */
record Delivery(SinkKind sink, String destination, String shardId, String sequenceNumber, String recordId,
                int attempts) {

    static Delivery kinesis(String stream, String shardId, String sequenceNumber, int attempts) {
        return new Delivery(SinkKind.KINESIS, stream, shardId, sequenceNumber, null, attempts);
    }

    static Delivery firehose(String deliveryStream, String recordId, int attempts) {
        return new Delivery(SinkKind.FIREHOSE, deliveryStream, null, null, recordId, attempts);
    }
}

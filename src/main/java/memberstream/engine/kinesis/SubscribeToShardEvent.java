package memberstream.engine.kinesis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import memberstream.engine.protocol.WireWritable;
import memberstream.engine.protocol.WireWriter;

/**
 * The payload of one {@code SubscribeToShardEvent} message, written straight to JSON or CBOR: the
 * records, the continuation sequence number (null at the end of a closed shard, where the children
 * are named instead) and how far behind the shard's newest record the subscriber is.
 */
final class SubscribeToShardEvent implements WireWritable {

    private final List<KinesisStore.StoredRecord> records;
    private final int shardUid;
    private final String continuation;
    private final long millisBehind;
    private final List<Object> childShards;
    private final String encryptionType;

    SubscribeToShardEvent(List<KinesisStore.StoredRecord> records, int shardUid, String continuation, long millisBehind,
                          List<Object> childShards, String encryptionType) {
        this.records = records;
        this.shardUid = shardUid;
        this.continuation = continuation;
        this.millisBehind = millisBehind;
        this.childShards = childShards;
        this.encryptionType = encryptionType;
    }

    @Override
    public void writeTo(WireWriter writer) throws IOException {
        writer.startObject();
        writer.name("Records").startArray();
        for (KinesisStore.StoredRecord record : records) {
            writer.startObject();
            writer.string("SequenceNumber", new SequenceNumber(record.position(), shardUid).format());
            writer.timestamp("ApproximateArrivalTimestamp", record.arrival());
            writer.blob("Data", record.data(), 0, record.data().length);
            writer.string("PartitionKey", record.partitionKey());
            if ("KMS".equals(encryptionType)) {
                writer.string("EncryptionType", encryptionType);
            }
            writer.endObject();
        }
        writer.endArray();
        writer.string("ContinuationSequenceNumber", continuation);
        writer.number("MillisBehindLatest", millisBehind);
        if (childShards != null) {
            writer.field("ChildShards", childShards);
        }
        writer.endObject();
    }

    @Override
    public int sizeHint() {
        int size = 160;
        for (KinesisStore.StoredRecord record : records) {
            size += 120 + record.data().length * 4 / 3 + record.partitionKey().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }
}

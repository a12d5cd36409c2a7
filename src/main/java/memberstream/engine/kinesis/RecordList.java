package memberstream.engine.kinesis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import memberstream.engine.protocol.WireWritable;
import memberstream.engine.protocol.WireWriter;

/**
 * The {@code Records} array of a GetRecords answer and of a SubscribeToShardEvent (the same shape in
 * both), written straight to JSON or CBOR: per record its sequence number, approximate arrival time,
 * data, partition key and, on a KMS-encrypted stream, the encryption type. Immutable.
 */
final class RecordList implements WireWritable {

    private final List<KinesisStore.StoredRecord> records;
    private final int shardUid;
    private final String encryptionType;

    RecordList(List<KinesisStore.StoredRecord> records, int shardUid, String encryptionType) {
        this.records = records;
        this.shardUid = shardUid;
        this.encryptionType = encryptionType;
    }

    @Override
    public void writeTo(WireWriter writer) throws IOException {
        boolean encrypted = "KMS".equals(encryptionType);
        writer.startArray();
        for (KinesisStore.StoredRecord record : records) {
            writer.startObject();
            writer.string("SequenceNumber", new SequenceNumber(record.position(), shardUid).format());
            writer.timestamp("ApproximateArrivalTimestamp", record.arrival());
            writer.blob("Data", record.data(), 0, record.data().length);
            writer.string("PartitionKey", record.partitionKey());
            if (encrypted) {
                writer.string("EncryptionType", encryptionType);
            }
            writer.endObject();
        }
        writer.endArray();
    }

    @Override
    public int sizeHint() {
        int size = 16;
        for (KinesisStore.StoredRecord record : records) {
            size += 120 + record.data().length * 4 / 3 + record.partitionKey().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }
}

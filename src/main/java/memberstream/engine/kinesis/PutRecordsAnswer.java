package memberstream.engine.kinesis;

import java.io.IOException;
import memberstream.engine.protocol.WireWritable;
import memberstream.engine.protocol.WireWriter;

/** The PutRecords answer, written straight to the wire: one entry per request record, in order. */
final class PutRecordsAnswer implements WireWritable {

    private final KinesisStore.Appended appended;
    private final String streamName;
    private final String encryptionType;

    PutRecordsAnswer(KinesisStore.Appended appended, String streamName, String encryptionType) {
        this.appended = appended;
        this.streamName = streamName;
        this.encryptionType = encryptionType;
    }

    @Override
    public void writeTo(WireWriter writer) throws IOException {
        long[] positions = appended.positions();
        Shard[] shards = appended.shards();
        int failed = 0;
        for (long position : positions) {
            if (position < 0) {
                failed++;
            }
        }
        writer.startObject();
        writer.number("FailedRecordCount", failed);
        writer.name("Records").startArray();
        for (int i = 0; i < positions.length; i++) {
            writer.startObject();
            if (positions[i] >= 0) {
                writer.string("SequenceNumber", new SequenceNumber(positions[i], shards[i].uid).format());
                writer.string("ShardId", shards[i].shardId);
            } else {
                writer.string("ErrorCode", KinesisError.PROVISIONED_THROUGHPUT_EXCEEDED.type());
                writer.string("ErrorMessage", KinesisService.rateExceeded(shards[i], streamName));
            }
            writer.endObject();
        }
        writer.endArray();
        writer.string("EncryptionType", encryptionType);
        writer.endObject();
    }

    @Override
    public int sizeHint() {
        return 64 + appended.positions().length * 110;
    }
}

package memberstream.engine.kinesis;

import java.io.IOException;
import java.util.List;
import memberstream.engine.protocol.WireWritable;
import memberstream.engine.protocol.WireWriter;

/** The GetRecords answer, written straight to the wire. {@code nextIterator} null marks the end of a closed shard. */
final class GetRecordsAnswer implements WireWritable {

    private final RecordList records;
    private final String nextIterator;
    private final long millisBehind;
    private final List<Object> childShards;

    GetRecordsAnswer(List<KinesisStore.StoredRecord> records, int shardUid, String nextIterator, long millisBehind,
                     List<Object> childShards, String encryptionType) {
        this.records = new RecordList(records, shardUid, encryptionType);
        this.nextIterator = nextIterator;
        this.millisBehind = millisBehind;
        this.childShards = childShards;
    }

    @Override
    public void writeTo(WireWriter writer) throws IOException {
        writer.startObject();
        writer.field("Records", records);
        writer.string("NextShardIterator", nextIterator);
        writer.number("MillisBehindLatest", millisBehind);
        if (childShards != null) {
            writer.field("ChildShards", childShards);
        }
        writer.endObject();
    }

    @Override
    public int sizeHint() {
        return 112 + records.sizeHint();
    }
}

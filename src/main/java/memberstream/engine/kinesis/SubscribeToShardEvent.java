package memberstream.engine.kinesis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import memberstream.engine.protocol.EventStreamEncoding;
import memberstream.engine.protocol.WireCodec;
import memberstream.engine.protocol.WireFormat;
import memberstream.engine.protocol.WireWritable;
import memberstream.engine.protocol.WireWriter;

/**
 * One {@code SubscribeToShardEvent} message, its payload assembled from two parts so that the costly
 * one is shared: the {@code Records} array, encoded once per batch ({@link RecordList}, kept in
 * {@link SharedBatches} for every subscription of the shard at the same position), and this
 * subscription's own tail: {@code ContinuationSequenceNumber} (absent at the end of a closed shard,
 * where {@code ChildShards} are named instead) and {@code MillisBehindLatest}. The payload is one
 * object, byte for byte what a writer would produce:
 * <pre>
 * JSON: {"Records":&lt;records&gt;,&lt;tail members&gt;}
 * CBOR: 0xBF (map of indefinite length), text "Records", &lt;records&gt;, &lt;tail members&gt;, 0xFF
 * </pre>
 * The tail is written as an object of its own and spliced in without its opening byte. Stateless.
 */
final class SubscribeToShardEvent {

    static final String EVENT_TYPE = "SubscribeToShardEvent";

    private static final byte[] JSON_HEAD = "{\"Records\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CBOR_HEAD = {(byte) 0xBF, (byte) (0x60 + 7), 'R', 'e', 'c', 'o', 'r', 'd', 's'};
    private static final byte JSON_OBJECT_START = '{';
    private static final byte CBOR_OBJECT_START = (byte) 0xBF;

    private SubscribeToShardEvent() {
    }

    /** The whole event stream message for {@code records}, the {@code Records} array already encoded in {@code format}. */
    static byte[] message(WireCodec codec, WireFormat format, byte[] records, String continuation, long millisBehind,
                          List<Object> childShards) {
        byte[] tail = codec.write(new Tail(continuation, millisBehind, childShards), format);
        boolean json = format != WireFormat.CBOR;
        if (tail.length < 2 || tail[0] != (json ? JSON_OBJECT_START : CBOR_OBJECT_START)) {
            throw new IllegalStateException("The " + format + " writer began an object with an unexpected byte");
        }
        if (json) {
            tail[0] = ',';
            return EventStreamEncoding.event(EVENT_TYPE, format.contentType(), JSON_HEAD, records, tail);
        }
        byte[] members = java.util.Arrays.copyOfRange(tail, 1, tail.length);
        return EventStreamEncoding.event(EVENT_TYPE, format.contentType(), CBOR_HEAD, records, members);
    }

    /** The members after {@code Records}, as an object of their own. */
    private record Tail(String continuation, long millisBehind, List<Object> childShards) implements WireWritable {
        @Override
        public void writeTo(WireWriter writer) throws IOException {
            writer.startObject();
            writer.string("ContinuationSequenceNumber", continuation);
            writer.number("MillisBehindLatest", millisBehind);
            if (childShards != null) {
                writer.field("ChildShards", childShards);
            }
            writer.endObject();
        }
    }
}

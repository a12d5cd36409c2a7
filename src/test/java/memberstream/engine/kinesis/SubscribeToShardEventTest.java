package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.WireCodec;
import memberstream.engine.protocol.WireFormat;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * The event payload spliced from the shared Records array and a subscription's own tail decodes, in
 * JSON and CBOR, to exactly the document one writer would have written for the whole event.
 */
class SubscribeToShardEventTest {

    private final WireCodec codec = new WireCodec();
    private final List<KinesisStore.StoredRecord> records = List.of(
            new KinesisStore.StoredRecord(7, 1_700_000_000_123L, "key-1", "one".getBytes(StandardCharsets.UTF_8)),
            new KinesisStore.StoredRecord(9, 1_700_000_000_456L, "key-2", new byte[] {0, 1, 2, (byte) 0xFF}));

    @Test
    void theSplicedPayloadIsTheWholeEventInJsonAndCbor() {
        for (WireFormat format : List.of(WireFormat.JSON, WireFormat.CBOR)) {
            byte[] array = codec.write(new RecordList(records, 3, "KMS"), format);
            byte[] message = SubscribeToShardEvent.message(codec, format, array, "49-continuation", 42, null);

            Map<String, Object> whole = new LinkedHashMap<>();
            whole.put("Records", new RecordList(records, 3, "KMS"));
            whole.put("ContinuationSequenceNumber", "49-continuation");
            whole.put("MillisBehindLatest", 42L);
            assertThat(payload(message, format)).as(format.name()).isEqualTo(codec.read(codec.write(whole, format), format));
        }
    }

    @Test
    void theEndOfAShardNamesItsChildrenWithoutAContinuation() {
        for (WireFormat format : List.of(WireFormat.JSON, WireFormat.CBOR)) {
            byte[] array = codec.write(new RecordList(List.of(), 3, "NONE"), format);
            List<Object> children = List.of(Map.of("ShardId", "shardId-000000000004"));
            JsonNode event = payload(SubscribeToShardEvent.message(codec, format, array, null, 0, children), format);

            assertThat(event.path("Records").size()).isZero();
            assertThat(event.has("ContinuationSequenceNumber")).isFalse();
            assertThat(event.path("ChildShards").get(0).path("ShardId").asText()).isEqualTo("shardId-000000000004");
        }
    }

    private JsonNode payload(byte[] message, WireFormat format) {
        MessageDecoder decoder = new MessageDecoder();
        decoder.feed(message);
        List<Message> decoded = decoder.getDecodedMessages();
        assertThat(decoded).hasSize(1);
        assertThat(decoded.get(0).getHeaders().get(":event-type").getString()).isEqualTo("SubscribeToShardEvent");
        return codec.read(decoded.get(0).getPayload(), format);
    }
}

package memberstream.engine.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/** What {@link EventStreamEncoding} writes, read back by the AWS SDK's own event stream decoder. */
class EventStreamEncodingTest {

    @Test
    void theSdkDecoderReadsAnEvent() {
        byte[] payload = "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[] encoded = EventStreamEncoding.event("SubscribeToShardEvent", "application/x-amz-json-1.1", payload);

        Message message = Message.decode(ByteBuffer.wrap(encoded));

        assertThat(message.getHeaders().get(":event-type").getString()).isEqualTo("SubscribeToShardEvent");
        assertThat(message.getHeaders().get(":message-type").getString()).isEqualTo("event");
        assertThat(message.getHeaders().get(":content-type").getString()).isEqualTo("application/x-amz-json-1.1");
        assertThat(message.getPayload()).isEqualTo(payload);
    }

    @Test
    void theSdkDecoderReadsAnExceptionMessage() {
        byte[] payload = "{\"message\":\"gone\"}".getBytes(StandardCharsets.UTF_8);
        Message message = Message.decode(ByteBuffer.wrap(
                EventStreamEncoding.exception("ResourceNotFoundException", "application/x-amz-json-1.1", payload)));

        assertThat(message.getHeaders().get(":message-type").getString()).isEqualTo("exception");
        assertThat(message.getHeaders().get(":exception-type").getString()).isEqualTo("ResourceNotFoundException");
        assertThat(new String(message.getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"gone\"}");
    }

    @Test
    void matchesTheSdkEncoderByteForByte() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", "initial-response");
        headers.put("ünïcode", "välue");
        byte[] payload = new byte[] {0, 1, 2, (byte) 0xFF};
        Map<String, HeaderValue> sdkHeaders = new LinkedHashMap<>();
        headers.forEach((name, value) -> sdkHeaders.put(name, HeaderValue.fromString(value)));

        byte[] ours = EventStreamEncoding.message(headers, payload);
        ByteBuffer theirs = new Message(sdkHeaders, payload).toByteBuffer();
        byte[] theirBytes = new byte[theirs.remaining()];
        theirs.get(theirBytes);

        assertThat(ours).isEqualTo(theirBytes);
    }

    @Test
    void messagesFedInPiecesDecodeInOrder() {
        byte[] first = EventStreamEncoding.event("initial-response", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        byte[] second = EventStreamEncoding.event("SubscribeToShardEvent", "application/json", new byte[0]);
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        MessageDecoder decoder = new MessageDecoder();

        for (int i = 0; i < joined.length; i += 7) {
            decoder.feed(joined, i, Math.min(7, joined.length - i));
        }

        List<Message> messages = decoder.getDecodedMessages();
        assertThat(messages).extracting(m -> m.getHeaders().get(":event-type").getString())
                .containsExactly("initial-response", "SubscribeToShardEvent");
        assertThat(messages.get(1).getPayload()).isEmpty();
    }

    @Test
    void aCorruptedByteFailsTheDecodersChecksum() {
        byte[] encoded = EventStreamEncoding.event("SubscribeToShardEvent", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        encoded[encoded.length - 6] ^= 1;

        assertThatThrownBy(() -> Message.decode(ByteBuffer.wrap(encoded))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAMessageOverSixteenMebibytes() {
        assertThatThrownBy(() -> EventStreamEncoding.event("x", "application/json", new byte[EventStreamEncoding.MAX_MESSAGE_BYTES]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

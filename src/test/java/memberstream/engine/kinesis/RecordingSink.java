package memberstream.engine.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import memberstream.engine.protocol.ResponseStreamSink;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * An in-memory {@link ResponseStreamSink} for tests: decodes what it is sent with the SDK's event
 * stream decoder and keeps the messages. Thread-safe.
 */
final class RecordingSink implements ResponseStreamSink {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private final MessageDecoder decoder = new MessageDecoder();
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final List<Runnable> closeActions = new ArrayList<>();
    private volatile boolean open = true;
    private volatile boolean ended;
    volatile boolean writable = true;

    @Override
    public synchronized void send(byte[] chunk) {
        if (!open) {
            return;
        }
        decoder.feed(chunk);
        messages.addAll(decoder.getDecodedMessages());
    }

    @Override
    public void end() {
        ended = true;
        close();
    }

    /** As if the client went away. */
    void clientGone() {
        close();
    }

    private void close() {
        List<Runnable> actions;
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
            actions = new ArrayList<>(closeActions);
        }
        actions.forEach(Runnable::run);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isWritable() {
        return open && writable;
    }

    @Override
    public void onClose(Runnable action) {
        synchronized (this) {
            if (open) {
                closeActions.add(action);
                return;
            }
        }
        action.run();
    }

    boolean ended() {
        return ended;
    }

    List<Message> messages() {
        return List.copyOf(messages);
    }

    static String header(Message message, String name) {
        return message.getHeaders().containsKey(name) ? message.getHeaders().get(name).getString() : null;
    }

    /** The payloads of the SubscribeToShardEvents so far, parsed (JSON or CBOR by the message's content type). */
    List<JsonNode> events() {
        List<JsonNode> events = new ArrayList<>();
        for (Message message : messages) {
            if ("SubscribeToShardEvent".equals(header(message, ":event-type"))) {
                events.add(payload(message));
            }
        }
        return events;
    }

    static JsonNode payload(Message message) {
        try {
            boolean cbor = header(message, ":content-type").contains("cbor");
            return (cbor ? CBOR : JSON).readTree(message.getPayload());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All records delivered so far, in order. */
    List<JsonNode> records() {
        List<JsonNode> records = new ArrayList<>();
        events().forEach(event -> event.path("Records").forEach(records::add));
        return records;
    }

    /** Waits up to five seconds for {@code condition}; fails otherwise. */
    void await(String what, Predicate<RecordingSink> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.test(this)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what + "; messages: " + messages);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

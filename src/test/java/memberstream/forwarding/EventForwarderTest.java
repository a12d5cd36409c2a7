package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The forwarder alone: a sink whose answers the test gives, an event log that only records calls. */
class EventForwarderTest {

    /** Hands out futures the test completes. */
    static final class ManualSink implements EventSink {
        final List<OutgoingRecord> sent = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Delivery>> answers = new CopyOnWriteArrayList<>();

        @Override
        public SinkKind kind() {
            return SinkKind.KINESIS;
        }

        @Override
        public CompletableFuture<Delivery> send(OutgoingRecord record) {
            sent.add(record);
            var answer = new CompletableFuture<Delivery>();
            answers.add(answer);
            return answer;
        }
    }

    /** Writes nothing; remembers the statuses it was asked to write. */
    static final class RecordingLog extends EventLog {
        final List<String> writes = new CopyOnWriteArrayList<>();

        RecordingLog() {
            super(null, null, Runnable::run, Clock.systemUTC());
        }

        @Override
        CompletableFuture<Void> delivered(ForwardableEvent event, Delivery delivery) {
            writes.add("DELIVERED " + event.id());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        CompletableFuture<Void> failed(ForwardableEvent event, SinkKind sink, String destination, int attempts,
                                       String error) {
            writes.add("FAILED " + event.id() + " after " + attempts);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        CompletableFuture<Void> resubmitted(ForwardableEvent event, SinkKind sink, String destination) {
            writes.add("PENDING " + event.id());
            return CompletableFuture.completedFuture(null);
        }
    }

    final ManualSink kinesis = new ManualSink();
    final RecordingLog log = new RecordingLog();
    final EventForwarder forwarder = new EventForwarder(() -> new SinkRoute(SinkKind.KINESIS, "members"),
            Map.of(SinkKind.KINESIS, kinesis), log, new ObjectMapper().registerModule(new JavaTimeModule()));

    @AfterEach
    void close() {
        log.close();
    }

    static ForwardableEvent event() {
        UUID id = UUID.randomUUID();
        return new ForwardableEvent(id, "/memberstream/members", "io.memberstream.member.created", "7",
                Instant.parse("2026-12-01T10:00:00Z"), "admin", "7", Map.of("memberId", 7));
    }

    @Test
    void anEventResubmittedWhileInFlightIsNotSentTwice() {
        ForwardableEvent event = event();
        CompletableFuture<Void> first = forwarder.forward(event);
        CompletableFuture<Void> resubmitted = forwarder.forward(event);

        assertThat(kinesis.sent).hasSize(1);
        assertThat(resubmitted).isSameAs(first).isNotDone();

        kinesis.answers.get(0).complete(Delivery.kinesis("members", "shardId-000000000000", "1", 1));
        assertThat(first).isCompleted();
        assertThat(log.writes).containsExactly("DELIVERED " + event.id());
        assertThat(forwarder.inFlight()).isZero();
    }

    @Test
    void aFailedEventCompletesExceptionallySoItsPublicationStaysIncompleteAndCanBeSentAgain() {
        ForwardableEvent event = event();
        CompletableFuture<Void> first = forwarder.forward(event);
        kinesis.answers.get(0).completeExceptionally(
                new DeliveryFailedException(SinkKind.KINESIS, 6, "Connection refused", null));
        assertThat(first).isCompletedExceptionally();

        CompletableFuture<Void> again = forwarder.forward(event);
        assertThat(kinesis.sent).hasSize(2);
        assertThat(kinesis.sent.get(1).eventId()).isEqualTo(event.id());
        assertThat(new String(kinesis.sent.get(1).data())).isEqualTo(new String(kinesis.sent.get(0).data()));
        kinesis.answers.get(1).complete(Delivery.kinesis("members", "shardId-000000000001", "9", 1));
        assertThat(again).isCompleted();
        assertThat(log.writes).containsExactly("FAILED " + event.id() + " after 6", "PENDING " + event.id(),
                "DELIVERED " + event.id());
    }

    @Test
    void theRecordIsTheCloudEventKeyedByTheEvent() throws Exception {
        ForwardableEvent event = event();
        forwarder.forward(event);
        OutgoingRecord record = kinesis.sent.get(0);
        var json = new ObjectMapper().readTree(record.data());

        assertThat(record.partitionKey()).isEqualTo("7");
        assertThat(record.destination()).isEqualTo("members");
        assertThat(json.path("specversion").asText()).isEqualTo("1.0");
        assertThat(json.path("id").asText()).isEqualTo(event.id().toString());
        assertThat(json.path("time").asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(json.path("data").path("memberId").asInt()).isEqualTo(7);
        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("specversion", "id", "source", "type", "subject", "time",
                "datacontenttype", "data");
    }

    @Test
    void aBatchSentAgainSkipsWhatTheLogSaysDeliveredAndCompletesOnlyWhenEveryOtherIsAcknowledged() {
        ForwardableEvent delivered = event();
        ForwardableEvent pending = event();
        EventForwarder.Claims claims = new EventForwarder.Claims() {
            @Override
            public java.util.Optional<PublicationClaims.Claim> claim(ForwardableEvent event) {
                return java.util.Optional.of(new PublicationClaims.Claim(new SinkRoute(SinkKind.KINESIS, "members"),
                        null));
            }

            @Override
            public boolean delivered(UUID eventId) {
                return eventId.equals(delivered.id());
            }

            @Override
            public void released(UUID eventId) {
            }
        };
        var resubmitting = new EventForwarder(claims, null, Map.of(SinkKind.KINESIS, kinesis), log,
                new ObjectMapper().registerModule(new JavaTimeModule()));

        CompletableFuture<Void> batch = resubmitting.forwardAll(List.of(delivered, pending));

        assertThat(kinesis.sent).extracting(OutgoingRecord::eventId).containsExactly(pending.id());
        assertThat(batch).isNotDone();
        kinesis.answers.get(0).complete(Delivery.kinesis("members", "shardId-000000000000", "1", 1));
        assertThat(batch).isCompleted();
        assertThat(log.writes).containsExactly("DELIVERED " + pending.id());
    }
}

package memberstream.forwarding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes the event log ({@code forwarded_events}, see V20 and V55). The PENDING row is written inside
 * the change's transaction by {@link PublicationClaims}, so a rolled-back change leaves no row.
 * Outcomes (delivered, failed) are queued
 * and written by one writer thread as JDBC batches, one transaction per batch; the future each returns
 * completes once its row is committed, so a forward counts as done only after its row says
 * delivered. An outcome (delivered or failed, not the PENDING of a resend) releases this console's
 * claim on the event ({@link PublicationClaims}), a delivery records this console as {@code sent_by},
 * and nothing overwrites a DELIVERED row but another delivery. Each outcome also adds a row to
 * {@code forwarded_event_attempts} (V61: when, outcome, attempts, error). The CloudEvent's JSON
 * ({@code payload}) is in the row from its insert (the outbox, {@link ChangeForwardingListener}); an
 * outcome writes it only for an event that came without it (unit tests, rows older than the outbox).
 * Thread-safety: every method may be called from any thread.
 */
class EventLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventLog.class);

    private static final String UPSERT_OUTCOME = """
            insert into forwarded_events (event_id, event_type, subject, occurred_at, actor, status, sink,
                destination, attempts, last_error, shard_id, sequence_number, record_id, delivered_at, updated_at,
                sent_by, payload)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (event_id) do update set
                status = excluded.status, sink = excluded.sink, destination = excluded.destination,
                attempts = forwarded_events.attempts + excluded.attempts,
                last_error = coalesce(excluded.last_error, forwarded_events.last_error),
                shard_id = excluded.shard_id, sequence_number = excluded.sequence_number,
                record_id = excluded.record_id, delivered_at = excluded.delivered_at,
                updated_at = excluded.updated_at, version = forwarded_events.version + 1,
                sent_by = coalesce(excluded.sent_by, forwarded_events.sent_by),
                payload = coalesce(excluded.payload, forwarded_events.payload),
                claimed_by = case when excluded.status <> 'PENDING' and forwarded_events.claimed_by = ? then null
                                  else forwarded_events.claimed_by end,
                claim_until = case when excluded.status <> 'PENDING' and forwarded_events.claimed_by = ? then null
                                   else forwarded_events.claim_until end
            where forwarded_events.status <> 'DELIVERED' or excluded.status = 'DELIVERED'""";

    private static final String INSERT_ATTEMPT = """
            insert into forwarded_event_attempts (event_id, at, status, attempts, error, sink, destination, sent_by)
            values (?, ?, ?, ?, ?, ?, ?, ?)""";

    /** Tries of one batch's transaction when the database rolls it back for a transient reason. */
    static final int WRITE_ATTEMPTS = 5;

    private record Outcome(ForwardableEvent event, DeliveryStatus status, SinkKind sink, String destination,
                           int attempts, String error, Delivery delivery, Instant at,
                           CompletableFuture<Void> written) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Executor completions;
    private final Clock clock;
    private final BatchingWriter<Outcome> writer;
    private final Supplier<String> instanceId;
    private final ObjectMapper json;

    EventLog(JdbcTemplate jdbc, TransactionTemplate transactions, Executor completions, Clock clock) {
        this(jdbc, transactions, completions, clock, () -> "local");
    }

    /** @param instanceId this console's id: written as {@code sent_by}, and whose claims an outcome releases */
    EventLog(JdbcTemplate jdbc, TransactionTemplate transactions, Executor completions, Clock clock,
             Supplier<String> instanceId) {
        this(jdbc, transactions, completions, clock, instanceId, null);
    }

    /** @param json the mapper the forwarder writes CloudEvents with, so the stored payload is what was sent */
    EventLog(JdbcTemplate jdbc, TransactionTemplate transactions, Executor completions, Clock clock,
             Supplier<String> instanceId, ObjectMapper json) {
        this.json = json;
        this.instanceId = instanceId;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.completions = completions;
        this.clock = clock;
        this.writer = new BatchingWriter<>("event-log-writer", 1_000, this::write);
    }

    /** An event that had failed is being sent again: pending once more (written in order with its outcome). */
    CompletableFuture<Void> resubmitted(ForwardableEvent event, SinkKind sink, String destination) {
        return enqueue(new Outcome(event, DeliveryStatus.PENDING, sink, destination, 0, null, null,
                clock.instant(), new CompletableFuture<>()));
    }

    CompletableFuture<Void> delivered(ForwardableEvent event, Delivery delivery) {
        return enqueue(new Outcome(event, DeliveryStatus.DELIVERED, delivery.sink(), delivery.destination(),
                delivery.attempts(), null, delivery, clock.instant(), new CompletableFuture<>()));
    }

    CompletableFuture<Void> failed(ForwardableEvent event, SinkKind sink, String destination, int attempts,
                                   String error) {
        return enqueue(new Outcome(event, DeliveryStatus.FAILED, sink, destination, attempts,
                error == null ? "Unknown error" : error, null, clock.instant(), new CompletableFuture<>()));
    }

    private CompletableFuture<Void> enqueue(Outcome outcome) {
        if (!writer.add(outcome)) {
            outcome.written().completeExceptionally(new IllegalStateException("The event log is closed"));
        }
        return outcome.written();
    }

    private void write(List<Outcome> batch) {
        String me = instanceId.get();
        try {
            retriedIfTransient(() -> transactions.executeWithoutResult(tx -> {
                jdbc.batchUpdate(UPSERT_OUTCOME, batch, batch.size(),
                    (statement, o) -> {
                        Delivery d = o.delivery();
                        statement.setObject(1, o.event().id());
                        statement.setString(2, o.event().type());
                        statement.setString(3, o.event().subject());
                        statement.setTimestamp(4, Timestamp.from(o.event().time()));
                        statement.setString(5, truncate(o.event().actor(), 64));
                        statement.setString(6, o.status().name());
                        statement.setString(7, o.sink() == null ? null : o.sink().name());
                        statement.setString(8, o.destination());
                        statement.setInt(9, o.attempts());
                        statement.setString(10, truncate(o.error(), 1000));
                        statement.setString(11, d == null ? null : d.shardId());
                        statement.setString(12, d == null ? null : d.sequenceNumber());
                        statement.setString(13, d == null ? null : d.recordId());
                        statement.setTimestamp(14, d == null ? null : Timestamp.from(o.at()));
                        statement.setTimestamp(15, Timestamp.from(o.at()));
                        statement.setString(16, o.status() == DeliveryStatus.DELIVERED ? me : null);
                        statement.setString(17, payload(o));
                        statement.setString(18, me);
                        statement.setString(19, me);
                    });
                List<Outcome> sends = batch.stream().filter(o -> o.status() != DeliveryStatus.PENDING).toList();
                if (sends.isEmpty()) {
                    return;
                }
                jdbc.batchUpdate(INSERT_ATTEMPT, sends, sends.size(), (statement, o) -> {
                    statement.setObject(1, o.event().id());
                    statement.setTimestamp(2, Timestamp.from(o.at()));
                    statement.setString(3, o.status().name());
                    statement.setInt(4, o.attempts());
                    statement.setString(5, truncate(o.error(), 1000));
                    statement.setString(6, o.sink() == null ? null : o.sink().name());
                    statement.setString(7, o.destination());
                    statement.setString(8, o.status() == DeliveryStatus.DELIVERED ? me : null);
                });
            }));
            completions.execute(() -> batch.forEach(o -> o.written().complete(null)));
        } catch (RuntimeException e) {
            log.warn("Could not write {} event log row(s): {}", batch.size(), e.toString());
            completions.execute(() -> batch.forEach(o -> o.written().completeExceptionally(e)));
        }
    }

    /**
     * Runs the batch's transaction again when the database rolled it back for a transient reason (a
     * deadlock with the claim renewer or an import batch, seen under load): failing the futures instead
     * would leave events the sink has acknowledged to be sent a second time.
     */
    private static void retriedIfTransient(Runnable transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                transaction.run();
                return;
            } catch (TransientDataAccessException e) {
                if (attempt >= WRITE_ATTEMPTS) {
                    throw e;
                }
                log.debug("Writing the event log again (attempt {}) after: {}", attempt + 1, e.toString());
            }
        }
    }

    /** The CloudEvent as the forwarder writes it (same mapper, same record), or null without a mapper or on a failure. */
    private String payload(Outcome outcome) {
        if (json == null || outcome.status() == DeliveryStatus.PENDING || outcome.event().payload() != null) {
            // PENDING: nothing sent yet; with a payload: the outbox row has it since its insert
            return null;
        }
        try {
            return json.writeValueAsString(outcome.event().toCloudEvent());
        } catch (JsonProcessingException | RuntimeException unwritable) {
            return null;
        }
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        writer.close();
    }
}

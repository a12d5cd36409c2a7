package memberstream.forwarding;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import memberstream.aws.ResourceProvisioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Sends undelivered events again, read from their outbox rows ({@code forwarded_events}: status not
 * DELIVERED, with the CloudEvent's bytes in {@code payload}): every one at start (what a crash or a stop
 * left behind), periodically those that occurred more than {@code memberstream.forwarding.resubmit-older-than}
 * ago (more than the retry window; the forwarder never runs one event twice at once anyway), and on an
 * admin's demand. Rows another console holds an unexpired claim on are skipped; every row sent goes
 * through the same compare-and-set claim as before ({@link PublicationClaims#claim}), so two consoles
 * resubmitting at once still never send one event at the same time. Rows are read in pages of
 * {@value #PAGE}, oldest first (then by id), so one member's events are handed over in their order.
 *
 * <p>This replaced Spring Modulith's publication registry ({@code event_publication}), which held a
 * second copy of every event; see {@link ChangeForwardingListener}. Publications an older version left
 * incomplete are moved into the outbox at start ({@link LegacyPublications}) before the first pass.
 * Thread-safety: may be called from any thread; passes may overlap (the forwarder drops duplicates).
 */
class PublicationResubmitter {

    private static final Logger log = LoggerFactory.getLogger(PublicationResubmitter.class);
    static final int PAGE = 500;

    private static final String COLUMNS = "event_id, event_type, subject, occurred_at, actor, sequence, payload";

    /** Undelivered, not claimed by another console now, occurred before the bound, after the page's key. */
    static final String UNDELIVERED = """
            select %s from forwarded_events
            where status <> 'DELIVERED' and occurred_at < ?
              and (claimed_by is null or claimed_by = ? or claim_until < clock_timestamp())
              and (occurred_at, event_id) > (?, ?)
            order by occurred_at, event_id
            limit %d""".formatted(COLUMNS, PAGE);

    private static final String ONE = "select %s from forwarded_events where event_id = ? and status <> 'DELIVERED'"
            .formatted(COLUMNS);

    private static final Timestamp BEFORE_ALL = Timestamp.from(Instant.parse("1970-01-01T00:00:00Z"));
    private static final UUID LOWEST = new UUID(Long.MIN_VALUE, Long.MIN_VALUE);

    private final JdbcTemplate jdbc;
    private final EventForwarder forwarder;
    private final Supplier<String> instanceId;
    private final Clock clock;
    private final ForwardingProperties properties;
    private final ResourceProvisioner provisioner;
    private final LegacyPublications legacy;

    PublicationResubmitter(JdbcTemplate jdbc, EventForwarder forwarder, Supplier<String> instanceId, Clock clock,
                           ForwardingProperties properties, ResourceProvisioner provisioner,
                           LegacyPublications legacy) {
        this.jdbc = jdbc;
        this.forwarder = forwarder;
        this.instanceId = instanceId;
        this.clock = clock;
        this.properties = properties;
        this.provisioner = provisioner;
        this.legacy = legacy;
    }

    /** What a stop or a crash left undelivered, once the console is up (the engine is ready by then). */
    @EventListener(ApplicationReadyEvent.class)
    void resubmitAtStart() {
        try {
            legacy.moveIntoOutbox();
            resubmitAll();
        } catch (RuntimeException e) {
            log.warn("Resubmitting undelivered events at start failed; the next pass retries: {}", e.toString());
        }
    }

    @Scheduled(initialDelayString = "${memberstream.forwarding.resubmit-every:30s}",
            fixedDelayString = "${memberstream.forwarding.resubmit-every:30s}")
    void resubmitOldOnes() {
        try {
            provisioner.ensure();
            resubmitOccurredBefore(clock.instant().minus(properties.resubmitOlderThan()));
        } catch (RuntimeException e) {
            log.warn("Resubmitting undelivered events failed: {}", e.toString());
        }
    }

    /** Every undelivered event not claimed elsewhere, now, oldest first. */
    void resubmitAll() {
        provisioner.ensure();
        resubmitOccurredBefore(clock.instant().plus(Duration.ofDays(1)));
    }

    /** One event, now (nothing if it is delivered). */
    void resubmit(UUID eventId) {
        provisioner.ensure();
        jdbc.query(ONE, (rs, i) -> event(rs), eventId).forEach(this::send);
    }

    private void resubmitOccurredBefore(Instant bound) {
        Timestamp before = Timestamp.from(bound);
        Timestamp afterTime = BEFORE_ALL;
        UUID afterId = LOWEST;
        int sent = 0;
        while (true) {
            List<ForwardableEvent> page = jdbc.query(UNDELIVERED, (rs, i) -> event(rs), before, instanceId.get(),
                    afterTime, afterId);
            page.forEach(this::send);
            sent += page.size();
            if (page.size() < PAGE) {
                break;
            }
            ForwardableEvent last = page.get(page.size() - 1);
            afterTime = Timestamp.from(last.time());
            afterId = last.id();
        }
        if (sent > 0) {
            log.info("Resubmitted {} undelivered event(s)", sent);
        }
    }

    private void send(ForwardableEvent event) {
        if (event.payload() == null) {
            // Only rows written before the outbox held payloads and with no publication left to rebuild from.
            log.warn("Event {} is undelivered but its row has no payload to send", event.id());
            return;
        }
        forwarder.forward(event);
    }

    /** An event as its row has it: envelope fields and the stored bytes; no data object (the bytes are it). */
    private static ForwardableEvent event(ResultSet rs) throws SQLException {
        String type = rs.getString("event_type");
        String subject = rs.getString("subject");
        String source = type.startsWith(ForwardableEvents.TYPE_PREFIX + "settings.")
                ? ForwardableEvents.SETTINGS_SOURCE : ForwardableEvents.MEMBERS_SOURCE;
        long sequence = rs.getLong("sequence");
        Long sequenceOrNull = rs.wasNull() ? null : sequence;
        String payload = rs.getString("payload");
        return new ForwardableEvent(rs.getObject("event_id", UUID.class), source, type, subject,
                rs.getTimestamp("occurred_at").toInstant(), rs.getString("actor"), subject, null, sequenceOrNull,
                payload == null ? null : payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}

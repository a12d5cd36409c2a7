package memberstream.forwarding;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Claims on events, so that several consoles on one database never send one event at the same time.
 *
 * <p><b>Protocol between instances.</b> The claim lives in the event's event-log row
 * ({@code forwarded_events.claimed_by}, {@code claim_until}, V55); expiry is judged by the database's
 * clock alone ({@code clock_timestamp()}), never by an instance's.
 * <ol>
 * <li>Taken: a new event is claimed by the instance that commits it, in the change's own transaction
 * (the PENDING row is inserted claimed, {@link #claimInTransaction}); no other instance can see the row
 * before it commits. Any other send (resubmission at start, on schedule, an admin's retry, a takeover)
 * first takes the claim with one compare-and-set statement ({@link #claim}): it succeeds only if the
 * row is not DELIVERED and its claim is free, expired, or already this instance's. PostgreSQL's row
 * lock makes two such statements on one row run one after the other, so one instance wins.</li>
 * <li>Held: an instance sends only while it holds the claim with at least {@code margin} (the longest
 * send call) to spare, measured on its own monotonic clock from before the statement that took or
 * renewed it ({@link #holds}), so that its view of the expiry is never later than the database's.
 * Held claims are renewed every quarter of the claim time while their sends are retried.</li>
 * <li>Released: the event log's outcome row (delivered or failed) clears the claim if it is still
 * this instance's, and a delivered row records {@code sent_by}. A claim not renewed (the instance died,
 * hung or lost the database) expires after {@code claim-time} and is taken over by whoever resubmits
 * the event next. A DELIVERED row is never claimed again.</li>
 * </ol>
 * Claims taken the same way carry the rest of the forwarding decision: the sink and destination of the
 * settings as of the event's transaction (stored in the row), and the event's predecessor, the latest
 * undelivered event of the same subject with a lower {@code sequence} ({@link SendOrder} waits for it).
 *
 * <p>The row is also the event's outbox record: the claimed insert carries the CloudEvent's bytes
 * ({@code payload}), the one copy that is sent and resent ({@link ChangeForwardingListener}).
 *
 * <p>An instance id must be unique among running consoles ({@code memberstream.instance-id}).
 * Thread-safety: every method may be called from any thread; renewal runs on its own thread.
 */
class PublicationClaims implements EventForwarder.Claims, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PublicationClaims.class);

    /** What a claim lets the holder do: send to this route, after this predecessor (null: none). */
    record Claim(SinkRoute route, UUID predecessor) {
    }

    /** The local view of a held claim: until when (System.nanoTime) and what it decided. */
    private record Held(long deadlineNanos, Claim claim) {
    }

    private static final String ROUTE = """
            select case when is_firehose then 'FIREHOSE' else 'KINESIS' end as sink,
                   case when is_firehose then firehose_delivery_stream_name else kinesis_stream_name end as destination
            from settings where id = 1""";

    private static final String PREDECESSOR = """
            (select p.event_id from forwarded_events p
             where p.subject = c.subject and p.sequence < c.sequence and p.status <> 'DELIVERED'
             order by p.sequence desc limit 1)""";

    /** The PENDING row, claimed, with the settings' route; answers route and predecessor. */
    private static final String INSERT_CLAIMED = """
            with route as (%s),
            c as (insert into forwarded_events (event_id, event_type, subject, occurred_at, actor, status, updated_at,
                      sequence, sink, destination, claimed_by, claim_until, payload)
                  select ?::uuid, ?::varchar, ?::varchar, ?::timestamptz, ?::varchar, 'PENDING', ?::timestamptz,
                      ?::bigint, route.sink, route.destination, ?::varchar,
                      clock_timestamp() + ?::bigint * interval '1 millisecond', ?::text
                  from route
                  on conflict (event_id) do nothing
                  returning subject, sequence, sink, destination)
            select c.sink, c.destination, %s as predecessor from c""".formatted(ROUTE, PREDECESSOR);

    /** {@link #INSERT_CLAIMED} with a member's history row ({@link MemberHistory#INSERT}) written first, in one statement. */
    private static final String INSERT_CLAIMED_WITH_HISTORY = "with history as (" + MemberHistory.INSERT + "),\n"
            + INSERT_CLAIMED.substring("with ".length());

    /** Compare-and-set: claims a row that is undelivered and free, expired or ours (inserting it if missing). */
    private static final String CLAIM = """
            with route as (%s),
            c as (insert into forwarded_events (event_id, event_type, subject, occurred_at, actor, status, updated_at,
                      sequence, sink, destination, claimed_by, claim_until, payload)
                  select ?::uuid, ?::varchar, ?::varchar, ?::timestamptz, ?::varchar, 'PENDING', ?::timestamptz,
                      ?::bigint, route.sink, route.destination, ?::varchar,
                      clock_timestamp() + ?::bigint * interval '1 millisecond', ?::text
                  from route
                  on conflict (event_id) do update set
                      claimed_by = excluded.claimed_by, claim_until = excluded.claim_until,
                      sequence = coalesce(forwarded_events.sequence, excluded.sequence),
                      sink = coalesce(forwarded_events.sink, excluded.sink),
                      destination = coalesce(forwarded_events.destination, excluded.destination),
                      payload = coalesce(forwarded_events.payload, excluded.payload)
                  where forwarded_events.status <> 'DELIVERED'
                      and (forwarded_events.claimed_by is null or forwarded_events.claimed_by = excluded.claimed_by
                           or forwarded_events.claim_until < clock_timestamp())
                  returning subject, sequence, sink, destination)
            select c.sink, c.destination, %s as predecessor from c""".formatted(ROUTE, PREDECESSOR);

    /** The PENDING rows of many new events (an import batch), claimed, with the settings' route; none has a predecessor. */
    private static final String INSERT_ALL_CLAIMED = """
            with route as (%s)
            insert into forwarded_events (event_id, event_type, subject, occurred_at, actor, status, updated_at,
                sequence, sink, destination, claimed_by, claim_until, payload)
            select e.id::uuid, e.type, e.subject, e.occurred_at::timestamptz, e.actor, 'PENDING', ?::timestamptz,
                e.sequence::bigint, route.sink, route.destination, ?::varchar,
                clock_timestamp() + ?::bigint * interval '1 millisecond', e.payload
            from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                as e(id, type, subject, occurred_at, actor, sequence, payload), route
            on conflict (event_id) do nothing
            returning event_id, sink, destination""".formatted(ROUTE);

    /**
     * Rows another transaction has locked (the event log writing their outcome, which releases them) are
     * skipped, not waited for: waiting on them in another order than that writer deadlocked the two.
     */
    private static final String RENEW = """
            update forwarded_events f set claim_until = clock_timestamp() + ?::bigint * interval '1 millisecond'
            from (select event_id from forwarded_events where claimed_by = ? and event_id = any (?)
                  order by event_id for update skip locked) mine
            where f.event_id = mine.event_id
            returning f.event_id""";

    private final JdbcTemplate jdbc;
    private final Supplier<String> instanceId;
    private final Clock clock;
    private final Duration claimTime;
    private final Duration margin;
    private final Map<UUID, Held> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewer;

    /**
     * @param claimTime how long a claim lasts unless renewed
     * @param margin    the longest one send may take: a claim with less left is not sent on
     */
    PublicationClaims(JdbcTemplate jdbc, Supplier<String> instanceId, Clock clock, Duration claimTime,
                      Duration margin) {
        if (claimTime.compareTo(margin.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("memberstream.forwarding.claim-time (" + claimTime
                    + ") must be at least twice the AWS call timeout (" + margin + ")");
        }
        this.jdbc = jdbc;
        this.instanceId = instanceId;
        this.clock = clock;
        this.claimTime = claimTime;
        this.margin = margin;
        this.renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "forwarding-claim-renewer");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(50, claimTime.toMillis() / 4);
        renewer.scheduleWithFixedDelay(this::renewSafely, every, every, TimeUnit.MILLISECONDS);
    }

    /** Writes the event's PENDING row, claimed by this instance; call inside the change's transaction. */
    void claimInTransaction(ForwardableEvent event) {
        claimInTransaction(event, INSERT_CLAIMED, rowArguments(event));
    }

    /**
     * Writes the event's PENDING row, claimed by this instance, and in the same statement first the member's
     * history row ({@link MemberHistory#INSERT} with {@code historyRow}), so the two cost one round trip; call
     * inside the change's transaction.
     */
    void claimInTransaction(ForwardableEvent event, Object[] historyRow) {
        Object[] row = rowArguments(event);
        Object[] arguments = Arrays.copyOf(historyRow, historyRow.length + row.length);
        System.arraycopy(row, 0, arguments, historyRow.length, row.length);
        claimInTransaction(event, INSERT_CLAIMED_WITH_HISTORY, arguments);
    }

    private void claimInTransaction(ForwardableEvent event, String sql, Object[] arguments) {
        long before = System.nanoTime();
        List<Claim> claims = jdbc.query(sql, (rs, i) -> claimOf(rs), arguments);
        if (!claims.isEmpty()) {
            held.put(event.id(), new Held(before + claimTime.toNanos(), claims.get(0)));
        }
    }

    /**
     * Writes the PENDING rows of many events in one statement, claimed by this instance; call inside
     * their transaction. Only for events that cannot have a predecessor: the created events of members
     * inserted in that same transaction (an import batch).
     */
    void claimAllInTransaction(List<ForwardableEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        int n = events.size();
        String[][] columns = new String[7][n];
        for (int i = 0; i < n; i++) {
            ForwardableEvent event = events.get(i);
            columns[0][i] = event.id().toString();
            columns[1][i] = event.type();
            columns[2][i] = event.subject();
            columns[3][i] = event.time().toString();
            columns[4][i] = truncate(event.actor(), 64);
            columns[5][i] = event.sequence() == null ? null : event.sequence().toString();
            columns[6][i] = payloadText(event);
        }
        long before = System.nanoTime();
        long deadline = before + claimTime.toNanos();
        jdbc.query(INSERT_ALL_CLAIMED, (java.sql.ResultSet rs) -> {
            held.put(rs.getObject("event_id", UUID.class), new Held(deadline, new Claim(
                    new SinkRoute(SinkKind.valueOf(rs.getString("sink")), rs.getString("destination")), null)));
        }, Timestamp.from(clock.instant()), instanceId.get(), claimTime.toMillis(), columns[0], columns[1],
                columns[2], columns[3], columns[4], columns[5], columns[6]);
    }

    /** Which of these events the event log says are delivered: one query. */
    @Override
    public java.util.Set<UUID> deliveredAmong(java.util.Collection<UUID> eventIds) {
        return new java.util.HashSet<>(jdbc.queryForList(
                "select event_id from forwarded_events where event_id = any (?) and status = 'DELIVERED'",
                UUID.class, (Object) eventIds.toArray(UUID[]::new)));
    }

    /**
     * The claim to send {@code event} now: the one taken in its transaction, or one taken now by
     * compare-and-set. Empty when another instance holds it or it is delivered already.
     */
    @Override
    public Optional<Claim> claim(ForwardableEvent event) {
        Held mine = held.get(event.id());
        if (mine != null && System.nanoTime() < mine.deadlineNanos() - margin.toNanos()) {
            return Optional.of(mine.claim());
        }
        long before = System.nanoTime();
        List<Claim> claims = jdbc.query(CLAIM, (rs, i) -> claimOf(rs), rowArguments(event));
        if (claims.isEmpty()) {
            held.remove(event.id());
            return Optional.empty();
        }
        held.put(event.id(), new Held(before + claimTime.toNanos(), claims.get(0)));
        return Optional.of(claims.get(0));
    }

    /** True if the event's row says DELIVERED (its publication may be completed without a send). */
    @Override
    public boolean delivered(UUID eventId) {
        return Boolean.TRUE.equals(jdbc.query("select status = 'DELIVERED' from forwarded_events where event_id = ?",
                rs -> rs.next() ? rs.getBoolean(1) : null, eventId));
    }

    /** Whether this instance may start a send of the event now: its claim lasts longer than one send. */
    @Override
    public boolean holds(UUID eventId) {
        Held mine = held.get(eventId);
        return mine != null && System.nanoTime() < mine.deadlineNanos() - margin.toNanos();
    }

    /** The send is over (the outcome row released the claim in the database); forget it here. */
    @Override
    public void released(UUID eventId) {
        held.remove(eventId);
    }

    /** Claims held here now (for tests and the benchmark). */
    int held() {
        return held.size();
    }

    String instanceId() {
        return instanceId.get();
    }

    /** Extends every claim held here; claims the database no longer gives this instance are dropped. */
    void renew() {
        if (held.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        held.entrySet().removeIf(entry -> entry.getValue().deadlineNanos() < now);
        List<UUID> ids = new ArrayList<>(held.keySet());
        if (ids.isEmpty()) {
            return;
        }
        long before = System.nanoTime();
        List<UUID> renewed = jdbc.query(RENEW, (rs, i) -> rs.getObject(1, UUID.class), claimTime.toMillis(),
                instanceId.get(), ids.toArray(UUID[]::new));
        var stillMine = new java.util.HashSet<>(renewed);
        for (UUID id : ids) {
            if (stillMine.contains(id)) {
                held.computeIfPresent(id, (key, old) -> new Held(before + claimTime.toNanos(), old.claim()));
            }
            // Not renewed: released meanwhile, rolled back, or inserted by a transaction still open (a
            // 1,000-member import batch) that this statement cannot see yet. Dropping it would send each
            // such event through the compare-and-set after commit; it lapses at its own deadline instead,
            // which is never later than the database's (so a taken-over claim is not used either).
        }
    }

    private void renewSafely() {
        try {
            renew();
        } catch (RuntimeException e) {
            log.warn("Could not renew {} forwarding claim(s); they lapse unless renewed in time: {}", held.size(),
                    e.toString());
        }
    }

    private Object[] rowArguments(ForwardableEvent event) {
        return new Object[] {event.id(), event.type(), event.subject(), Timestamp.from(event.time()),
                truncate(event.actor(), 64), Timestamp.from(clock.instant()), event.sequence(), instanceId.get(),
                claimTime.toMillis(), payloadText(event)};
    }

    /** The outbox row's copy of what is sent: the CloudEvent's JSON as text (V61's column), or null. */
    private static String payloadText(ForwardableEvent event) {
        return event.payload() == null ? null : new String(event.payload(), StandardCharsets.UTF_8);
    }

    private static Claim claimOf(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Claim(new SinkRoute(SinkKind.valueOf(rs.getString("sink")), rs.getString("destination")),
                rs.getObject("predecessor", UUID.class));
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    @Override
    public void close() {
        renewer.shutdownNow();
    }
}

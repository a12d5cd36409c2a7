package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Two consoles' claims on one database (two claim registries with their own ids, one PostgreSQL). */
@ConsoleTest
class PublicationClaimsTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transactions;

    PublicationClaims one;
    PublicationClaims two;

    @AfterEach
    void close() {
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
    }

    private PublicationClaims console(String id) {
        return new PublicationClaims(jdbc, () -> id, Clock.systemUTC(), Duration.ofMillis(600), Duration.ofMillis(100));
    }

    private static ForwardableEvent event(String subject, long sequence) {
        return new ForwardableEvent(UUID.randomUUID(), ForwardableEvents.MEMBERS_SOURCE,
                "io.memberstream.member.updated", subject, Instant.parse("2026-12-01T10:00:00Z"), "admin", subject,
                Map.of(), sequence);
    }

    @Test
    void anEventClaimedInItsTransactionIsNotClaimedByAnotherConsoleUntilReleasedOrExpired() {
        one = console("one:8081");
        two = console("two:8082");
        var event = event("claims-" + UUID.randomUUID(), 0);
        transactions.executeWithoutResult(tx -> one.claimInTransaction(event));

        assertThat(one.claim(event)).as("the committing console holds it").isPresent();
        assertThat(one.holds(event.id())).isTrue();
        assertThat(two.claim(event)).as("another console cannot take it while it lasts").isEmpty();
        assertThat(jdbc.queryForObject("select claimed_by from forwarded_events where event_id = ?", String.class,
                event.id())).isEqualTo("one:8081");

        long claimed = System.nanoTime();
        Eventually.within(Duration.ofSeconds(3), "the claim renewed past its first expiry",
                () -> System.nanoTime() - claimed > Duration.ofMillis(700).toNanos());
        assertThat(one.holds(event.id())).as("still held, renewed").isTrue();
        assertThat(two.claim(event)).as("still not another console's").isEmpty();
        one.close(); // console one dies: no more renewals
        Eventually.within(Duration.ofSeconds(3), "taken over once expired", () -> two.claim(event).isPresent());
        assertThat(jdbc.queryForObject("select claimed_by from forwarded_events where event_id = ?", String.class,
                event.id())).isEqualTo("two:8082");
        assertThat(one.claim(event)).as("console one, back, finds it taken").isEmpty();
    }

    @Test
    void aDeliveredEventIsNeverClaimedAgain() {
        one = console("one:8081");
        two = console("two:8082");
        var event = event("delivered-" + UUID.randomUUID(), 0);
        transactions.executeWithoutResult(tx -> one.claimInTransaction(event));
        jdbc.update("update forwarded_events set status = 'DELIVERED', claimed_by = null, claim_until = null "
                + "where event_id = ?", event.id());

        assertThat(two.claim(event)).isEmpty();
        assertThat(two.delivered(event.id())).isTrue();
    }

    @Test
    void theClaimCarriesTheRouteOfItsTransactionAndTheMembersEarlierUndeliveredEvent() {
        one = console("one:8081");
        String member = "order-" + UUID.randomUUID();
        var v0 = event(member, 0);
        var v1 = event(member, 1);
        transactions.executeWithoutResult(tx -> one.claimInTransaction(v0));
        transactions.executeWithoutResult(tx -> one.claimInTransaction(v1));

        var first = one.claim(v0).orElseThrow();
        var second = one.claim(v1).orElseThrow();
        assertThat(first.predecessor()).isNull();
        assertThat(second.predecessor()).as("v1 goes after v0").isEqualTo(v0.id());
        SinkRoute configured = jdbc.queryForObject(
                "select is_firehose, kinesis_stream_name, firehose_delivery_stream_name from settings",
                (rs, i) -> rs.getBoolean(1) ? new SinkRoute(SinkKind.FIREHOSE, rs.getString(3))
                        : new SinkRoute(SinkKind.KINESIS, rs.getString(2)));
        assertThat(second.route()).as("the settings as of the event's transaction").isEqualTo(configured);

        jdbc.update("update forwarded_events set status = 'DELIVERED' where event_id = ?", v0.id());
        var v2 = event(member, 2);
        transactions.executeWithoutResult(tx -> one.claimInTransaction(v2));
        assertThat(one.claim(v2).orElseThrow().predecessor()).as("only undelivered ones count").isEqualTo(v1.id());
    }

    @Test
    void aHistoryRowGoesInWithTheClaimedRowInOneStatementAndRollsBackWithIt() {
        one = console("one:8081");
        long memberId = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L) + 1;
        var change = new memberstream.member.MemberChanged(UUID.randomUUID(),
                memberstream.member.MemberChanged.Type.UPDATED, memberId, Instant.parse("2026-12-01T10:00:00Z"),
                "admin", 3, Map.of("email", new memberstream.member.MemberChanged.Change("a@x.test", "b@x.test")));
        var event = ForwardableEvents.of(change);
        Object[] historyRow = {change.eventId(), memberId, "UPDATED", 3L,
                java.sql.Timestamp.from(change.occurredAt()), "admin", "{\"email\":{}}"};

        transactions.executeWithoutResult(tx -> one.claimInTransaction(event, historyRow));
        assertThat(jdbc.queryForObject("select count(*) from member_changes where event_id = ? and member_id = ?"
                + " and version = 3", Long.class, change.eventId(), memberId)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select status || ' ' || claimed_by from forwarded_events where event_id = ?",
                String.class, event.id())).isEqualTo("PENDING one:8081");
        assertThat(one.holds(event.id())).isTrue();

        var rolledBack = ForwardableEvents.of(new memberstream.member.MemberChanged(UUID.randomUUID(),
                memberstream.member.MemberChanged.Type.UPDATED, memberId, change.occurredAt(), "admin", 4, Map.of()));
        Object[] rolledBackRow = {rolledBack.id(), memberId, "UPDATED", 4L, java.sql.Timestamp.from(change.occurredAt()),
                "admin", "{}"};
        transactions.executeWithoutResult(tx -> {
            one.claimInTransaction(rolledBack, rolledBackRow);
            tx.setRollbackOnly();
        });
        assertThat(jdbc.queryForObject("select count(*) from member_changes where event_id = ?", Long.class,
                rolledBack.id())).isZero();
        assertThat(jdbc.queryForObject("select count(*) from forwarded_events where event_id = ?", Long.class,
                rolledBack.id())).isZero();
    }
}

package memberstream.forwarding;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the claim costs per event, on one console: a command that prints numbers, not a test. Against
 * embedded PostgreSQL with the real schema, it writes an event's PENDING row in a transaction, the way
 * the console did before claims (a plain insert) and the way it does now
 * ({@link PublicationClaims#claimInTransaction}: the insert also claims the row, reads the sink from the
 * settings and probes for the member's earlier undelivered event), in alternating rounds so both see
 * the same machine load. Each event's member gets {@code bench.versions} versions in a row (the
 * predecessor probe finds the previous one undelivered), and every event is marked delivered as the
 * console would. Prints microseconds per event for each way, and the difference.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=memberstream.forwarding.ClaimCostBenchmark} ({@code -Dbench.events}, default 3000
 * per round; {@code -Dbench.rounds}, default 6).
 */
public final class ClaimCostBenchmark {

    private static final String PLAIN_PENDING = """
            insert into forwarded_events (event_id, event_type, subject, occurred_at, actor, status, updated_at)
            values (?, ?, ?, ?, ?, 'PENDING', ?)
            on conflict (event_id) do nothing""";

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("bench.events", 3000);
        int rounds = Integer.getInteger("bench.rounds", 6);
        int versions = Integer.getInteger("bench.versions", 3);
        Path dir = Files.createDirectories(Path.of("target/bench/claim-cost-" + System.currentTimeMillis()));
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on").start()) {
            var dataSource = postgres.getPostgresDatabase();
            Flyway.configure().dataSource(dataSource).load().migrate();
            var jdbc = new JdbcTemplate(dataSource);
            var transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            try (var claims = new PublicationClaims(jdbc, () -> "bench:1", Clock.systemUTC(), Duration.ofSeconds(60),
                    Duration.ofSeconds(11))) {
                long[] plain = new long[rounds];
                long[] claimed = new long[rounds];
                for (int round = -1; round < rounds; round++) { // round -1 warms both up, not counted
                    long a = run(events, versions, event -> transactions.executeWithoutResult(tx -> jdbc.update(
                            PLAIN_PENDING, event.id(), event.type(), event.subject(), Timestamp.from(event.time()),
                            event.actor(), Timestamp.from(Instant.now()))), jdbc, claims);
                    long b = run(events, versions, event -> transactions.executeWithoutResult(
                            tx -> claims.claimInTransaction(event)), jdbc, claims);
                    if (round >= 0) {
                        plain[round] = a;
                        claimed[round] = b;
                    }
                }
                java.util.Arrays.sort(plain);
                java.util.Arrays.sort(claimed);
                double before = plain[rounds / 2] / 1000.0 / events;
                double after = claimed[rounds / 2] / 1000.0 / events;
                System.out.printf("PENDING row in its own transaction, then delivered; median of %d rounds of %d events:%n",
                        rounds, events);
                System.out.printf("  plain insert (before claims):  %.1f us/event%n", before);
                System.out.printf("  claimed insert (now):          %.1f us/event%n", after);
                System.out.printf("  the claim's cost:              %+.1f us/event (%+.0f%%)%n", after - before,
                        100 * (after - before) / before);
            }
        }
        System.exit(0);
    }

    private static long run(int events, int versions, java.util.function.Consumer<ForwardableEvent> write,
                            JdbcTemplate jdbc, PublicationClaims claims) {
        long started = System.nanoTime();
        String member = null;
        for (int i = 0; i < events; i++) {
            if (i % versions == 0) {
                member = UUID.randomUUID().toString().substring(0, 18);
            }
            var event = new ForwardableEvent(UUID.randomUUID(), ForwardableEvents.MEMBERS_SOURCE,
                    "io.memberstream.member.updated", member, Instant.now(), "bench", member, Map.of(),
                    (long) (i % versions));
            write.accept(event);
            if (i % versions == versions - 1) { // the member's events are delivered together, as batches are
                jdbc.update("update forwarded_events set status = 'DELIVERED', claimed_by = null, claim_until = null,"
                        + " sent_by = 'bench' where subject = ?", member);
            }
            claims.released(event.id());
        }
        return System.nanoTime() - started;
    }
}

package memberstream.forwarding;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
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
 * console would. Prints, per event and for each way, the median over the rounds of the wall time,
 * this JVM's CPU (the JDBC side: what the console pays) and PostgreSQL's CPU, and the differences.
 * The commit's flush to disk is the same for both ways and dominates the wall time with fsync on;
 * {@code -Dbench.fsync=off} leaves the statements' own cost.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=memberstream.forwarding.ClaimCostBenchmark} ({@code -Dbench.events}, default 3000
 * per round; {@code -Dbench.rounds}, default 6; {@code -Dbench.fsync}, default on).
 */
public final class ClaimCostBenchmark {

    private static final String PLAIN_PENDING = """
            insert into forwarded_events (event_id, event_type, subject, occurred_at, actor, status, updated_at)
            values (?, ?, ?, ?, ?, 'PENDING', ?)
            on conflict (event_id) do nothing""";

    /** One round: wall time, this JVM's CPU and PostgreSQL's CPU, all in microseconds. */
    private record Round(double wallMicros, double jvmMicros, double postgresMicros) {
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("bench.events", 3000);
        String fsync = System.getProperty("bench.fsync", "on");
        int rounds = Integer.getInteger("bench.rounds", 6);
        int versions = Integer.getInteger("bench.versions", 3);
        Path dir = Files.createDirectories(Path.of("target/bench/claim-cost-" + System.currentTimeMillis())
                .toAbsolutePath()); // CpuMeter finds the server by this path on its command line
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                .setServerConfig("synchronous_commit", fsync).setServerConfig("fsync", fsync).start()) {
            Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();
            // Pooled, as in the console: a connection per transaction would measure connection set-up.
            var dataSource = new HikariDataSource();
            dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
            dataSource.setUsername("postgres");
            dataSource.setPassword("postgres");
            dataSource.setMaximumPoolSize(2);
            var jdbc = new JdbcTemplate(dataSource);
            var transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            try (var claims = new PublicationClaims(jdbc, () -> "bench:1", Clock.systemUTC(), Duration.ofSeconds(60),
                    Duration.ofSeconds(11))) {
                List<Round> plain = new ArrayList<>();
                List<Round> claimed = new ArrayList<>();
                for (int round = -1; round < rounds; round++) { // round -1 warms both up, not counted
                    Round a = run(events, versions, event -> transactions.executeWithoutResult(tx -> jdbc.update(
                            PLAIN_PENDING, event.id(), event.type(), event.subject(), Timestamp.from(event.time()),
                            event.actor(), Timestamp.from(Instant.now()))), jdbc, claims, dir);
                    Round b = run(events, versions, event -> transactions.executeWithoutResult(
                            tx -> claims.claimInTransaction(event)), jdbc, claims, dir);
                    if (round >= 0) {
                        plain.add(a);
                        claimed.add(b);
                    }
                }
                System.out.printf("PENDING row in its own transaction, then delivered; fsync %s; median of %d rounds"
                        + " of %d events, per event:%n", fsync, rounds, events);
                print("wall time", median(plain, Round::wallMicros), median(claimed, Round::wallMicros));
                print("JVM CPU (console side)", median(plain, Round::jvmMicros), median(claimed, Round::jvmMicros));
                print("PostgreSQL CPU", median(plain, Round::postgresMicros),
                        median(claimed, Round::postgresMicros));
            }
        }
        System.exit(0);
    }

    private static void print(String what, double before, double after) {
        System.out.printf("  %-24s plain insert (before claims) %8.1f us, claimed insert (now) %8.1f us: %+.1f us"
                + " (%+.0f%%)%n", what, before, after, after - before, 100 * (after - before) / before);
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> value) {
        double[] sorted = rounds.stream().mapToDouble(value).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static Round run(int events, int versions, java.util.function.Consumer<ForwardableEvent> write,
                             JdbcTemplate jdbc, PublicationClaims claims, Path postgresDirectory) {
        CpuMeter cpu = new CpuMeter(postgresDirectory);
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
        long wall = System.nanoTime() - started;
        CpuMeter.Used used = cpu.used();
        return new Round(wall / 1e3 / events, used.consoleMillis() * 1e3 / events, used.postgresMillis() * 1e3 / events);
    }
}

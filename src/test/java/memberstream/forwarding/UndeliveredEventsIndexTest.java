package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import memberstream.MigratedDatabase;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The resubmission pass ({@link PublicationResubmitter#UNDELIVERED}) against the real migrations and an
 * event log of 200,000 delivered events. Since the event log is forwarding's only outbox, this pass runs
 * at start and every 30 s over the whole log; it must read only the few undelivered rows, through a
 * partial index of them (today V55's, which leaves a row once it is delivered), never walk the delivered.
 */
class UndeliveredEventsIndexTest {

    private static final int DELIVERED = 200_000;

    @AutoClose
    private static MigratedDatabase database;
    private static JdbcTemplate jdbc;
    private static List<UUID> undelivered;

    @BeforeAll
    static void startAndFill() throws Exception {
        database = MigratedDatabase.start();
        jdbc = database.jdbc();
        jdbc.update("""
                insert into forwarded_events (event_id, event_type, subject, occurred_at, status, updated_at, sequence)
                select gen_random_uuid(), 'io.memberstream.member.created', 'member-' || n,
                       timestamptz '2026-01-01 00:00:00+00' + n * interval '1 second', 'DELIVERED', now(), 1
                from generate_series(1, ?) n""", DELIVERED);
        // five still to send, spread through the log: old ones, and one among the newest
        undelivered = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                UUID.randomUUID());
        int[] seconds = {10, 50_000, 50_001, 120_000, DELIVERED - 5};
        for (int i = 0; i < undelivered.size(); i++) {
            jdbc.update("""
                    insert into forwarded_events (event_id, event_type, subject, occurred_at, status, updated_at, sequence,
                        payload)
                    values (?, 'io.memberstream.member.updated', 'member-x', timestamptz '2026-01-01 00:00:00+00'
                        + ? * interval '1 second', ?, now(), ?, '{}')""",
                    undelivered.get(i), seconds[i] + 0.5, i % 2 == 0 ? "PENDING" : "FAILED", i + 2);
        }
        jdbc.execute("analyze forwarded_events");
    }

    private static Object[] firstPageArguments() {
        return new Object[] {Timestamp.from(Instant.parse("2027-01-01T00:00:00Z")), "this-console",
                Timestamp.from(Instant.parse("1970-01-01T00:00:00Z")), new UUID(Long.MIN_VALUE, Long.MIN_VALUE)};
    }

    @Test
    void theResubmissionPassReadsOnlyTheUndeliveredRowsThroughTheirIndex() {
        String plan = jdbc.queryForList("explain (analyze, buffers) " + PublicationResubmitter.UNDELIVERED, String.class,
                firstPageArguments()).stream().collect(Collectors.joining("\n"));
        assertThat(plan).as(plan).containsPattern("Index Scan using forwarded_events_undelivered_\\w+")
                .doesNotContain("Seq Scan");
        // a handful of index and heap pages, not the thousands the delivered rows fill
        long buffers = plan.lines().filter(line -> line.contains("Buffers: shared"))
                .mapToLong(UndeliveredEventsIndexTest::pagesOf).max().orElse(0);
        assertThat(buffers).as(plan).isLessThan(50);
    }

    @Test
    void theResubmissionPassFindsEveryUndeliveredRowOldestFirst() {
        List<UUID> found = jdbc.queryForList(PublicationResubmitter.UNDELIVERED.replace("select event_id, event_type,"
                + " subject, occurred_at, actor, sequence, payload", "select event_id"), UUID.class, firstPageArguments());
        assertThat(found).containsExactlyElementsOf(undelivered);
    }

    private static long pagesOf(String line) {
        long pages = 0;
        for (String part : line.substring(line.indexOf("shared") + "shared".length()).trim().split("\\s+")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                pages += Long.parseLong(part.substring(equals + 1).replaceAll("\\D", ""));
            }
        }
        return pages;
    }
}

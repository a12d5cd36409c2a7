package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.TestUsers;
import memberstream.aws.AwsClients;
import memberstream.member.importing.ImportJob;
import memberstream.member.importing.ImportStatus;
import memberstream.member.importing.MemberImports;
import memberstream.settings.SettingsService;
import memberstream.settings.SettingsUpdate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.test.context.support.WithMockUser;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

/**
 * The import's bulk path through the real database and the embedded Kinesis: each imported member
 * gets one created event (one row in the event log, delivered; one history entry; one record in the
 * stream), each batch one publication, completed once all its events are acknowledged; sending a
 * batch again sends none of its delivered events twice.
 */
@ConsoleTest
class MemberImportForwardingTest {

    private static final int ROWS = 2_500; // two whole batches and a part

    @Autowired
    MemberImports imports;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SettingsService settings;
    @Autowired
    AwsClients aws;
    @Autowired
    ObjectMapper json;
    @Autowired
    EventForwarder forwarder;

    String tag;

    @BeforeEach
    void setUp() {
        tag = "bulk" + UUID.randomUUID().toString().substring(0, 8);
        // other tests share this context and may have switched events to Firehose
        TestUsers.runAsAdmin(() -> settings.update(new SettingsUpdate(false, "members", "members-delivery", null)));
        imports.newest().filter(job -> !job.status().finished())
                .ifPresent(job -> imports.awaitFinished(job.id(), Duration.ofSeconds(300)));
    }

    @Test
    @WithMockUser(username = "bulk-admin", roles = "ADMIN")
    void everyImportedMemberGetsOneDeliveredCreatedEventItsHistoryAndOneRecordInTheStream() throws Exception {
        ImportJob job = runImport();
        assertThat(job.status()).isEqualTo(ImportStatus.DONE);
        assertThat(job.saved()).isEqualTo(ROWS);

        List<Long> memberIds = jdbc.queryForList("select id from members where email like ? order by id", Long.class,
                tag + "-%");
        assertThat(memberIds).hasSize(ROWS);
        assertThat(jdbc.queryForObject("""
                select count(*) from member_changes c join members m on m.id = c.member_id
                where m.email like ? and c.change_type = 'CREATED' and c.version = 0 and c.actor = 'bulk-admin'""",
                Long.class, tag + "-%")).as("one history entry a member").isEqualTo(ROWS);
        awaitDelivered();

        Map<String, Set<String>> inStream = createdEventsInStream();
        assertThat(inStream).as("one record a member in the stream").hasSize(ROWS)
                .allSatisfy((member, ids) -> assertThat(ids).hasSize(1));
        assertThat(inStream.keySet()).containsExactlyInAnyOrderElementsOf(
                memberIds.stream().map(String::valueOf).toList());
        assertThat(jdbc.queryForObject("""
                select count(*) from forwarded_events f join member_changes c on c.event_id = f.event_id
                join members m on m.id = c.member_id
                where m.email like ? and f.status = 'DELIVERED' and f.claimed_by is null and f.sent_by is not null""",
                Long.class, tag + "-%")).as("delivered, claim released, sender recorded").isEqualTo(ROWS);
        assertThat(jdbc.queryForObject("""
                select count(*) from forwarded_events f join member_changes c on c.event_id = f.event_id
                join members m on m.id = c.member_id where m.email like ? and f.payload is not null""", Long.class,
                tag + "-%")).as("each event's bytes in its outbox row").isEqualTo(ROWS);
        assertThat(jdbc.queryForObject("select count(*) from event_publication", Long.class))
                .as("no second outbox record (Spring Modulith's registry is not used)").isZero();
    }

    @Test
    @WithMockUser(username = "bulk-admin", roles = "ADMIN")
    void aBatchSentAgainSendsNoneOfItsDeliveredEventsTwice() throws Exception {
        ImportJob job = runImport();
        assertThat(job.status()).isEqualTo(ImportStatus.DONE);
        awaitDelivered();
        List<ForwardableEvent> events = jdbc.query("""
                select c.event_id, c.member_id, c.occurred_at, c.actor from member_changes c
                join members m on m.id = c.member_id where m.email like ?""", (rs, i) -> new ForwardableEvent(
                rs.getObject("event_id", UUID.class), ForwardableEvents.MEMBERS_SOURCE,
                ForwardableEvents.TYPE_PREFIX + "member.created", rs.getString("member_id"),
                rs.getTimestamp("occurred_at").toInstant(), rs.getString("actor"), rs.getString("member_id"),
                Map.of(), 0L), tag + "-%");
        assertThat(events).hasSize(ROWS);

        forwarder.forwardAll(events).get(); // as a resubmission of the batches after a restart would

        assertThat(createdEventsInStream()).hasSize(ROWS).allSatisfy((member, ids) -> assertThat(ids).hasSize(1));
        assertThat(countRecordsInStream()).as("no record sent again").isEqualTo(ROWS);
    }

    private ImportJob runImport() {
        StringBuilder csv = new StringBuilder("fullName,email,role,status,joinedOn\n");
        for (int i = 0; i < ROWS; i++) {
            csv.append("Bulk ").append(i).append(',').append(tag).append('-').append(i)
                    .append("@example.org,MEMBER,ACTIVE,2024-03-01\n");
        }
        var check = imports.check("bulk.csv", new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)));
        ImportJob started = imports.start(check);
        return imports.awaitFinished(started.id(), Duration.ofSeconds(300)).orElseThrow();
    }

    private void awaitDelivered() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long open;
        do {
            open = jdbc.queryForObject("""
                    select count(*) from forwarded_events f join member_changes c on c.event_id = f.event_id
                    join members m on m.id = c.member_id where m.email like ? and f.status <> 'DELIVERED'""",
                    Long.class, tag + "-%");
            if (open == 0) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(open + " imported events still undelivered");
    }

    private Map<String, Set<String>> createdEventsInStream() throws InterruptedException {
        Map<String, Set<String>> ids = new HashMap<>();
        for (var record : readStream()) {
            if (isOurs(record.event())) {
                ids.computeIfAbsent(record.event().path("subject").asText(), k -> new HashSet<>()).add(record.id());
            }
        }
        return ids;
    }

    private long countRecordsInStream() throws InterruptedException {
        return readStream().stream()
                .filter(record -> isOurs(record.event())).count();
    }

    /** The whole stream; this context keeps the engine's read limits on, so a throttled read is tried again. */
    private List<KinesisStreamReader.ReadRecord> readStream() throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return new KinesisStreamReader(aws.kinesis(), json).readAll("members");
            } catch (ProvisionedThroughputExceededException throttled) {
                if (attempt == 20) {
                    throw throttled;
                }
                Thread.sleep(1_100); // the next second's read allowance
            }
        }
    }

    private boolean isOurs(JsonNode event) {
        return event.path("type").asText().endsWith("member.created")
                && event.path("data").path("changes").path("email").path("after").asText().startsWith(tag + "-");
    }
}

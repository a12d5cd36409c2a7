package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import memberstream.Eventually;
import memberstream.aws.AwsClients;
import memberstream.aws.AwsProperties;
import memberstream.engine.EngineServer;
import memberstream.member.Member;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import memberstream.settings.Settings;
import memberstream.settings.SettingsService;
import memberstream.settings.SettingsUpdate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Forwarding end to end: members saved through the API and the service, a real PostgreSQL, the
 * embedded engine reached over HTTP by the AWS SDK, records read back as any consumer would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "memberstream.data-dir=target/test-data/forwarding",
        "memberstream.engine.port=0",
        "memberstream.engine.throughput-limits=false",
        "memberstream.admin.username=" + ForwardingIntegrationTest.ADMIN,
        "memberstream.admin.password=" + ForwardingIntegrationTest.PASSWORD,
        "memberstream.forwarding.max-attempts=3",
        "memberstream.forwarding.initial-backoff=20ms",
        "memberstream.forwarding.max-backoff=100ms",
        "memberstream.forwarding.resubmit-every=1h",
        "memberstream.aws.firehose-buffer=1s",
})
class ForwardingIntegrationTest {

    static final String ADMIN = "admin";
    static final String PASSWORD = "forwarding-test-password";
    static final Duration DELIVERY = Duration.ofSeconds(15);

    @Autowired
    MemberService members;
    @Autowired
    SettingsService settings;
    @Autowired
    AwsClients aws;
    @Autowired
    EngineServer engine;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    TestRestTemplate http;
    @Autowired
    ObjectMapper json;
    @Autowired
    EventLogService eventLog;
    @Autowired
    AwsProperties awsProperties;
    @Autowired
    LegacyPublications legacy;
    @Autowired
    PublicationResubmitter resubmitter;

    KinesisStreamReader reader() {
        return new KinesisStreamReader(aws.kinesis(), json);
    }

    String stream() {
        return settings.current().kinesisStreamName();
    }

    @Test
    void createUpdateAndDeleteLandInKinesisInOrderKeyedByMember() throws Exception {
        String email = "ada-" + UUID.randomUUID() + "@example.org";
        JsonNode created = api(HttpMethod.POST, "/api/members", Map.of("fullName", "Ada Lovelace", "email", email,
                "role", "MEMBER", "status", "ACTIVE", "joinedOn", "2024-03-01"), HttpStatus.CREATED);
        long id = created.path("id").asLong();
        JsonNode updated = api(HttpMethod.PUT, "/api/members/" + id, Map.of("fullName", "Ada King", "email", email,
                "role", "BOARD", "status", "ACTIVE", "joinedOn", "2024-03-01",
                "version", created.path("version").asLong()), HttpStatus.OK);
        api(HttpMethod.DELETE, "/api/members/" + id, null, HttpStatus.NO_CONTENT);

        String subject = Long.toString(id);
        Eventually.within(DELIVERY, "three records for member " + id,
                () -> reader().recordsFor(stream(), subject).size() >= 3);
        var records = reader().recordsFor(stream(), subject);

        assertThat(records).hasSize(3);
        assertThat(records).extracting(KinesisStreamReader.ReadRecord::partitionKey).containsOnly(subject);
        assertThat(records).extracting(KinesisStreamReader.ReadRecord::shardId).containsOnly(records.get(0).shardId());
        assertThat(records).extracting(KinesisStreamReader.ReadRecord::type).containsExactly(
                "io.memberstream.member.created", "io.memberstream.member.updated", "io.memberstream.member.deleted");

        JsonNode create = records.get(0).event();
        assertThat(create.path("specversion").asText()).isEqualTo("1.0");
        assertThat(create.path("source").asText()).isEqualTo("/memberstream/members");
        assertThat(create.path("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(create.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(UUID.fromString(create.path("id").asText())).isNotNull();
        assertThat(create.path("data").path("eventId").asText()).isEqualTo(create.path("id").asText());
        assertThat(create.path("data").path("actor").asText()).isEqualTo(ADMIN);
        assertThat(create.path("data").path("version").asLong()).isEqualTo(created.path("version").asLong());
        assertThat(create.path("data").path("changes").path("email").path("after").asText()).isEqualTo(email);
        assertThat(create.path("data").path("changes").path("email").path("before").isNull()).isTrue();

        JsonNode update = records.get(1).event().path("data");
        assertThat(update.path("version").asLong()).isEqualTo(updated.path("version").asLong());
        assertThat(fieldNames(update.path("changes"))).containsExactlyInAnyOrder("fullName", "role");
        assertThat(update.path("changes").path("fullName").path("before").asText()).isEqualTo("Ada Lovelace");
        assertThat(update.path("changes").path("fullName").path("after").asText()).isEqualTo("Ada King");

        JsonNode delete = records.get(2).event().path("data");
        assertThat(delete.path("changes").path("email").path("before").asText()).isEqualTo(email);
        assertThat(delete.path("changes").path("email").path("after").isNull()).isTrue();
        assertThat(delete.path("version").asLong()).isGreaterThan(update.path("version").asLong());

        List<String> ids = records.stream().map(KinesisStreamReader.ReadRecord::id).toList();
        Eventually.within(DELIVERY, "the event log shows the three delivered",
                () -> ids.stream().allMatch(e -> "DELIVERED".equals(logStatus(e))));
        Map<String, Object> row = jdbc.queryForMap(
                "select sink, destination, shard_id, sequence_number, attempts from forwarded_events where event_id = ?::uuid",
                ids.get(0));
        assertThat(row).containsEntry("sink", "KINESIS").containsEntry("destination", stream())
                .containsEntry("shard_id", records.get(0).shardId())
                .containsEntry("sequence_number", records.get(0).sequenceNumber());
        for (int i = 0; i < 3; i++) {
            assertThat(json.readTree(jdbc.queryForObject("select payload from forwarded_events where event_id = ?::uuid",
                    String.class, ids.get(i)))).as("the outbox row holds what was sent").isEqualTo(records.get(i).event());
        }
        assertThat(jdbc.queryForObject("select count(*) from event_publication", Long.class))
                .as("one outbox record a save: no Spring Modulith publication").isZero();
        // The outcome row is written just after the acknowledgement: wait for it.
        Eventually.within(DELIVERY, "every event delivered", () -> undeliveredEvents() == 0);
    }

    @Test
    void aPublicationLeftIncompleteByAnEarlierVersionIsMovedIntoTheOutboxAndSent() throws Exception {
        // As an upgrade finds it: the event's PENDING row without payload, and its publication (the event
        // as Spring's ObjectMapper wrote it) still incomplete.
        long memberId = 900_000_000L + (long) (Math.random() * 1_000_000);
        UUID eventId = UUID.randomUUID();
        String email = "legacy-" + eventId + "@example.org";
        java.time.Instant at = java.time.Instant.parse("2026-01-02T03:04:05.123456Z");
        var change = new memberstream.member.MemberChanged(eventId, memberstream.member.MemberChanged.Type.CREATED,
                memberId, at, "old-admin", 0, Map.of("email", new memberstream.member.MemberChanged.Change(null, email)));
        UUID publicationId = UUID.randomUUID();
        jdbc.update("""
                insert into event_publication (id, listener_id, event_type, serialized_event, publication_date)
                values (?, 'memberstream.forwarding.member-changed', ?, ?, now())""", publicationId,
                memberstream.member.MemberChanged.class.getName(), json.writeValueAsString(change));
        jdbc.update("""
                insert into forwarded_events (event_id, event_type, subject, occurred_at, actor, status, updated_at, sequence)
                values (?, 'io.memberstream.member.created', ?, ?, 'old-admin', 'PENDING', now(), 0)""", eventId,
                Long.toString(memberId), java.sql.Timestamp.from(at));

        assertThat(legacy.moveIntoOutbox()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from event_publication where id = ?", Long.class, publicationId))
                .as("the publication is gone once its event is in the outbox").isZero();
        assertThat(jdbc.queryForObject("select payload from forwarded_events where event_id = ?", String.class, eventId))
                .as("the row holds the CloudEvent").contains(eventId.toString()).contains(email);

        resubmitter.resubmit(eventId);

        Eventually.within(DELIVERY, "the moved event delivered", () -> "DELIVERED".equals(logStatus(eventId.toString())));
        var records = reader().recordsFor(stream(), Long.toString(memberId));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).id()).isEqualTo(eventId.toString());
        assertThat(records.get(0).event().path("time").asText()).isEqualTo("2026-01-02T03:04:05.123456Z");
        assertThat(records.get(0).event().path("data").path("changes").path("email").path("after").asText())
                .isEqualTo(email);
    }

    @Test
    void theMoveReadsPastAPageOfUnreadablePublications() throws Exception {
        // More unreadable publications than a page, published before a good one: the move must page on
        // past them (by keyset, not by re-reading the first page) and leave them where they are.
        String marker = "unreadable-" + UUID.randomUUID();
        jdbc.update("""
                insert into event_publication (id, listener_id, event_type, serialized_event, publication_date)
                select gen_random_uuid(), ?, 'com.example.NotOurs', '{}', now() - interval '1 hour' + g * interval '1 ms'
                from generate_series(1, ?) g""", marker, LegacyPublications.PAGE + 1);
        long memberId = 910_000_000L + (long) (Math.random() * 1_000_000);
        UUID eventId = UUID.randomUUID();
        var change = new memberstream.member.MemberChanged(eventId, memberstream.member.MemberChanged.Type.CREATED,
                memberId, java.time.Instant.now(), "old-admin", 0,
                Map.of("email", new memberstream.member.MemberChanged.Change(null, "paged-" + eventId + "@example.org")));
        UUID good = UUID.randomUUID();
        jdbc.update("""
                insert into event_publication (id, listener_id, event_type, serialized_event, publication_date)
                values (?, 'memberstream.forwarding.member-changed', ?, ?, now())""", good,
                memberstream.member.MemberChanged.class.getName(), json.writeValueAsString(change));
        try {
            assertThat(legacy.moveIntoOutbox()).isGreaterThanOrEqualTo(1);
            assertThat(jdbc.queryForObject("select count(*) from event_publication where id = ?", Long.class, good))
                    .as("the readable publication after the unreadable page is moved").isZero();
            assertThat(jdbc.queryForObject("select payload from forwarded_events where event_id = ?", String.class, eventId))
                    .contains(eventId.toString());
            assertThat(jdbc.queryForObject("select count(*) from event_publication where listener_id = ?", Long.class,
                    marker)).as("unreadable publications are left as they are").isEqualTo(LegacyPublications.PAGE + 1L);
        } finally {
            jdbc.update("delete from event_publication where listener_id = ?", marker);
            resubmitter.resubmit(eventId);
        }
    }

    @Test
    @WithMockUser(username = ADMIN, roles = "ADMIN")
    void aRolledBackSaveSendsNothing() {
        String email = "rollback-" + UUID.randomUUID() + "@example.org";
        Long id = transactions.execute(status -> {
            Member saved = members.create(draft("Rolled Back", email));
            status.setRollbackOnly();
            return saved.getId();
        });
        // A later committed change of this thread is forwarded after it; once it is in, the first would be too.
        Member marker = members.create(draft("After Rollback", "after-" + email));
        Eventually.within(DELIVERY, "the marker event delivered",
                () -> !reader().recordsFor(stream(), marker.getId().toString()).isEmpty());

        assertThat(reader().recordsFor(stream(), id.toString())).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from forwarded_events where subject = ?", Long.class,
                id.toString())).isZero();
        assertThat(jdbc.queryForObject("select count(*) from members where id = ?", Long.class, id)).isZero();
    }

    @Test
    @WithMockUser(username = ADMIN, roles = "ADMIN")
    void whenTheEngineIsDownSavesSucceedAndEventsWaitThenAllArriveOnce() {
        List<Member> saved = new ArrayList<>();
        engine.close();
        try {
            for (int i = 0; i < 5; i++) {
                saved.add(members.create(draft("Offline " + i, "offline-" + i + "-" + UUID.randomUUID() + "@example.org")));
            }
            assertThat(saved).allSatisfy(m -> assertThat(m.getId()).isNotNull());
            List<String> subjects = saved.stream().map(m -> m.getId().toString()).toList();
            Eventually.within(DELIVERY, "the five events failed for now",
                    () -> statuses(subjects).equals(Map.of("FAILED", 5L)));
            assertThat(undeliveredEvents()).isGreaterThanOrEqualTo(5);
            assertThat(eventLog.undelivered()).isGreaterThanOrEqualTo(5);
            assertThat(jdbc.queryForObject("select max(attempts) from forwarded_events where subject in ("
                    + String.join(",", subjects.stream().map(s -> "'" + s + "'").toList()) + ")", Integer.class))
                    .isEqualTo(3);
        } finally {
            engine.start();
        }

        eventLog.retryAll();

        List<String> subjects = saved.stream().map(m -> m.getId().toString()).toList();
        Eventually.within(DELIVERY, "all five delivered after the engine came back",
                () -> statuses(subjects).equals(Map.of("DELIVERED", 5L)));
        var all = reader().readAll(stream());
        for (String subject : subjects) {
            assertThat(all.stream().filter(r -> subject.equals(r.event().path("subject").asText())))
                    .as("records of member %s", subject).hasSize(1);
        }
        // The outcome row is written just after the acknowledgement: wait for it.
        Eventually.within(DELIVERY, "every event delivered", () -> undeliveredEvents() == 0);
    }

    @Test
    @WithMockUser(username = ADMIN, roles = "ADMIN")
    void switchedToFirehoseTheNextEventsLandInS3AsJsonLines() throws Exception {
        Settings before = settings.current();
        try {
            settings.update(new SettingsUpdate(true, before.kinesisStreamName(), before.firehoseDeliveryStreamName(), null));
            Member a = members.create(draft("Fire Hose", "fh-a-" + UUID.randomUUID() + "@example.org"));
            Member b = members.create(draft("Fire Hose Two", "fh-b-" + UUID.randomUUID() + "@example.org"));

            Eventually.within(DELIVERY, "both events in S3",
                    () -> s3Lines().stream().filter(l -> l.contains("\"subject\":\"" + a.getId() + "\"")
                            || l.contains("\"subject\":\"" + b.getId() + "\"")).count() == 2);
            for (String line : s3Lines()) {
                assertThat(json.readTree(line).path("specversion").asText()).isEqualTo("1.0");
            }
            assertThat(reader().recordsFor(stream(), a.getId().toString())).isEmpty();
            String recordId = jdbc.queryForObject(
                    "select record_id from forwarded_events where subject = ? and sink = 'FIREHOSE'", String.class,
                    a.getId().toString());
            assertThat(recordId).isNotBlank();
        } finally {
            settings.update(new SettingsUpdate(false, before.kinesisStreamName(), before.firehoseDeliveryStreamName(), null));
        }
        Member back = members.create(draft("Back On Kinesis", "back-" + UUID.randomUUID() + "@example.org"));
        Eventually.within(DELIVERY, "the next event in Kinesis again",
                () -> reader().recordsFor(stream(), back.getId().toString()).size() == 1);
    }

    /** Every line of every object in the Firehose bucket; each object must end with a newline. */
    List<String> s3Lines() {
        var s3 = aws.s3();
        List<String> lines = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(awsProperties.bucket())).contents()) {
            String text = s3.getObjectAsBytes(r -> r.bucket(awsProperties.bucket()).key(object.key()))
                    .asString(StandardCharsets.UTF_8);
            assertThat(text).as("object %s is JSON Lines", object.key()).endsWith("\n");
            text.lines().filter(l -> !l.isBlank()).forEach(lines::add);
        }
        return lines;
    }

    JsonNode api(HttpMethod method, String path, Object body, HttpStatus expected) throws Exception {
        HttpHeaders headers = new HttpHeaders();
        headers.setBasicAuth(ADMIN, PASSWORD);
        headers.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> response = http.exchange(path, method, new HttpEntity<>(body, headers), String.class);
        assertThat(response.getStatusCode()).as("%s %s: %s", method, path, response.getBody()).isEqualTo(expected);
        return response.getBody() == null ? null : json.readTree(response.getBody());
    }

    static Member draft(String name, String email) {
        return new Member(name, email, MemberRole.MEMBER, MemberStatus.ACTIVE, LocalDate.of(2024, 1, 15));
    }

    String logStatus(String eventId) {
        return jdbc.queryForObject("select status from forwarded_events where event_id = ?::uuid", String.class, eventId);
    }

    Map<String, Long> statuses(List<String> subjects) {
        return jdbc.queryForList("select status from forwarded_events where subject in ("
                        + String.join(",", subjects.stream().map(s -> "'" + s + "'").toList()) + ")", String.class)
                .stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    }

    long undeliveredEvents() {
        return jdbc.queryForObject("select count(*) from forwarded_events where status <> 'DELIVERED'", Long.class);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

package memberstream.member.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.Eventually;
import memberstream.TestUsers;
import memberstream.aws.AwsClients;
import memberstream.security.Role;
import memberstream.security.UserService;
import memberstream.settings.SettingsService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.userdetails.UserDetailsService;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The CSV import and export through the API as a client uses them: real HTTP with Basic auth, the real
 * database, forwarding to the embedded engine; the stream is read back through the SDK.
 */
@ConsoleTest
class MemberImportApiTest {

    private static final String ADMIN = "import-api-admin";
    private static final String VIEWER = "import-api-viewer";
    private static final String HEADER = "fullName,email,phone,role,status,joinedOn,notes\n";

    @Autowired
    TestRestTemplate http;
    @Autowired
    ObjectMapper json;
    @Autowired
    UserService users;
    @Autowired
    UserDetailsService userDetails;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AwsClients aws;
    @Autowired
    SettingsService settings;

    String tag;

    @BeforeEach
    void setUp() {
        tag = UUID.randomUUID().toString().substring(0, 8);
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
        TestUsers.ensure(userDetails, users, VIEWER, Role.VIEWER);
    }

    @Test
    void aFileWithBadRowsIsReportedRowByRowAndNothingIsSaved() throws Exception {
        String csv = HEADER
                + "Good One," + tag + "-1@example.org,,MEMBER,ACTIVE,2024-03-01,\n"
                + "Bad Mail,not-an-email,,MEMBER,ACTIVE,2024-03-01,\n"
                + "Bad Role," + tag + "-3@example.org,,CAPTAIN,ACTIVE,2024-03-01,\n";

        for (String path : List.of("/api/members/import?dryRun=true", "/api/members/import")) {
            ResponseEntity<String> reply = post(ADMIN, path, csv);

            assertThat(reply.getStatusCode().value()).as(path).isEqualTo(400);
            assertThat(reply.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            JsonNode problem = json.readTree(reply.getBody());
            assertThat(problem.path("title").asText()).isEqualTo("Invalid rows");
            assertThat(problem.path("rows").asInt()).isEqualTo(3);
            assertThat(problem.path("valid").asInt()).isEqualTo(1);
            assertThat(problem.path("errors")).hasSize(2);
            assertThat(problem.path("errors").get(0).path("line").asLong()).isEqualTo(3);
            assertThat(problem.path("errors").get(0).path("field").asText()).isEqualTo("email");
            assertThat(problem.path("errors").get(0).path("message").asText())
                    .isEqualTo("Enter a valid email address, like name@example.org");
            assertThat(problem.path("errors").get(1).path("field").asText()).isEqualTo("role");
        }
        assertThat(jdbc.queryForObject("select count(*) from members where email like ?", Long.class, tag + "%"))
                .isZero();
    }

    @Test
    void anImportSavesEveryRowAndEachMembersEventReachesTheStreamOnce() throws Exception {
        int count = 1_205; // more than one batch
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < count; i++) {
            csv.append("Imported ").append(i).append(',').append(tag).append('-').append(i)
                    .append("@example.org,,VOLUNTEER,PENDING,2024-03-01,\"from, a file\"\n");
        }

        ResponseEntity<String> reply = post(ADMIN, "/api/members/import", csv.toString());

        assertThat(reply.getStatusCode().value()).isIn(200, 202);
        String location = reply.getHeaders().getLocation().toString();
        assertThat(location).startsWith("/api/members/import/");
        Eventually.within(Duration.ofSeconds(240), "the import to finish",
                () -> "DONE".equals(job(location).path("status").asText()));
        JsonNode job = job(location);
        assertThat(job.path("saved").asInt()).isEqualTo(count);
        assertThat(job.path("toSave").asInt()).isEqualTo(count);
        assertThat(job.path("createdBy").asText()).isEqualTo(ADMIN);
        List<Long> ids = jdbc.queryForList("select id from members where email like ?", Long.class, tag + "-%");
        assertThat(ids).hasSize(count);

        Eventually.within(Duration.ofSeconds(240), "every imported member's event in the stream",
                () -> {
                    try {
                        return createdEventsBySubject().keySet().containsAll(ids.stream().map(String::valueOf).toList());
                    } catch (RuntimeException throttledOrBusy) {
                        return false;
                    }
                });
        Map<String, List<String>> events = createdEventsBySubject();
        for (long id : ids) {
            assertThat(events.get(String.valueOf(id))).as("created events of member " + id).hasSize(1);
        }
        assertThat(events.get(String.valueOf(ids.get(0))).get(0)).isNotBlank();

        // the same file again: every row is now a duplicate of a saved member
        ResponseEntity<String> again = post(ADMIN, "/api/members/import?dryRun=true", csv.toString());
        assertThat(again.getStatusCode().value()).isEqualTo(400);
        assertThat(json.readTree(again.getBody()).path("errors").get(0).path("message").asText())
                .isEqualTo("Another member already uses this email address");
    }

    @Test
    void exportStreamsTheFilteredMembersAsCsvThatImportsBack() throws Exception {
        String csv = HEADER
                + "Export Ada," + tag + "-a@example.org,+1 555,BOARD,ACTIVE,2024-03-01,\"line one\nline two\"\n"
                + "Export Bob," + tag + "-b@example.org,,MEMBER,ACTIVE,2024-03-02,\n"
                + "=Export Cy," + tag + "-c@example.org,,MEMBER,ACTIVE,2024-03-03,\"@SUM(1+2)\"\n";
        ResponseEntity<String> imported = post(ADMIN, "/api/members/import", csv);
        assertThat(imported.getStatusCode().value()).isIn(200, 202);
        String location = imported.getHeaders().getLocation().toString();
        Eventually.within(Duration.ofSeconds(30), "the import to finish",
                () -> "DONE".equals(job(location).path("status").asText()));

        ResponseEntity<String> export = http.withBasicAuth(VIEWER, TestUsers.PASSWORD)
                .getForEntity("/api/members/export?q=" + tag + "&sort=email,desc", String.class);

        assertThat(export.getStatusCode().value()).isEqualTo(200);
        assertThat(export.getHeaders().getContentType().toString()).startsWith("text/csv");
        String body = export.getBody();
        assertThat(body).startsWith("id,fullName,email,phone,role,status,joinedOn,notes,createdAt,updatedAt\r\n");
        assertThat(body.indexOf("Export Bob")).isLessThan(body.indexOf("Export Ada"));
        assertThat(body).contains("\"line one\nline two\"").contains(",BOARD,ACTIVE,2024-03-01,");
        // what a spreadsheet would run as a formula is exported behind a quote
        assertThat(body).contains(",'=Export Cy,").contains(",'+1 555,").contains(",'@SUM(1+2),");

        // the export is itself an import file: every row refused only as a duplicate
        JsonNode dryRun = json.readTree(post(ADMIN, "/api/members/import?dryRun=true", body).getBody());
        assertThat(dryRun.path("errors")).hasSize(3);
        dryRun.path("errors").forEach(error -> assertThat(error.path("field").asText()).isEqualTo("email"));
    }

    @Test
    void clientMistakesAreFourHundredsNeverFiveHundreds() {
        assertThat(post(VIEWER, "/api/members/import", HEADER).getStatusCode().value()).isEqualTo(403);
        assertThat(post(ADMIN, "/api/members/import", "").getStatusCode().value()).isEqualTo(400);
        assertThat(post(ADMIN, "/api/members/import", "name,mail\nA,b\n").getBody()).contains("unknown column");
        HttpHeaders json = new HttpHeaders();
        json.setContentType(MediaType.APPLICATION_JSON);
        assertThat(http.withBasicAuth(ADMIN, TestUsers.PASSWORD).exchange("/api/members/import", HttpMethod.POST,
                new HttpEntity<>("{}", json), String.class).getStatusCode().value()).isEqualTo(415);
        assertThat(http.withBasicAuth(ADMIN, TestUsers.PASSWORD)
                .getForEntity("/api/members/import/987654321", String.class).getStatusCode().value()).isEqualTo(404);
        assertThat(http.withBasicAuth(ADMIN, TestUsers.PASSWORD)
                .getForEntity("/api/members/export?sort=password", String.class).getStatusCode().value())
                .isEqualTo(400);
    }

    private ResponseEntity<String> post(String user, String path, String csv) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(new MediaType("text", "csv"));
        return http.withBasicAuth(user, TestUsers.PASSWORD)
                .exchange(path, HttpMethod.POST, new HttpEntity<>(csv, headers), String.class);
    }

    private JsonNode job(String location) {
        try {
            return json.readTree(http.withBasicAuth(ADMIN, TestUsers.PASSWORD).getForEntity(location, String.class)
                    .getBody());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** GetRecords, waiting out throttling: the console's live tail reads the same shards (5 reads a second each). */
    private GetRecordsResponse getRecordsPatiently(String iterator) {
        for (int attempt = 1; ; attempt++) {
            try {
                return aws.kinesis().getRecords(r -> r.shardIterator(iterator).limit(10_000));
            } catch (software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException throttled) {
                if (attempt == 20) {
                    throw throttled;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw throttled;
                }
            }
        }
    }

    /** Every member.created event in the stream: subject to the event ids seen (a duplicate shows twice). */
    private Map<String, List<String>> createdEventsBySubject() {
        String stream = settings.current().kinesisStreamName();
        Map<String, List<String>> bySubject = new HashMap<>();
        for (Shard shard : aws.kinesis().listShards(r -> r.streamName(stream)).shards()) {
            String iterator = aws.kinesis().getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = getRecordsPatiently(current);
                for (var record : response.records()) {
                    try {
                        JsonNode event = json.readTree(record.data().asByteArray());
                        if (event.path("type").asText().endsWith("member.created")) {
                            bySubject.computeIfAbsent(event.path("subject").asText(), s -> new ArrayList<>())
                                    .add(event.path("id").asText());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                iterator = response.records().isEmpty() && Long.valueOf(0).equals(response.millisBehindLatest())
                        ? null : response.nextShardIterator();
            }
        }
        return bySubject;
    }
}

package memberstream.settings.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import memberstream.ConsoleTest;
import memberstream.TestUsers;
import memberstream.security.Role;
import memberstream.security.UserService;
import memberstream.settings.Settings;
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
import org.springframework.security.core.userdetails.UserDetailsService;

/** {@code /api/settings} over real HTTP with HTTP Basic, through the security filters to PostgreSQL. */
@ConsoleTest
class SettingsApiTest {

    private static final String VIEWER = "api-viewer";

    @Autowired
    TestRestTemplate http;

    @Autowired
    ObjectMapper json;

    @Autowired
    SettingsService settings;

    @Autowired
    UserDetailsService userDetails;

    @Autowired
    UserService users;

    @BeforeEach
    void viewerExists() {
        TestUsers.ensure(userDetails, users, VIEWER, Role.VIEWER);
    }

    @Test
    void anyUserReadsTheSettings() throws Exception {
        ResponseEntity<String> response = asViewer().getForEntity("/api/settings", String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode body = json.readTree(response.getBody());
        Settings current = settings.current();
        assertThat(body.get("firehose").asBoolean()).isEqualTo(current.firehose());
        assertThat(body.get("kinesisStreamName").asText()).isEqualTo(current.kinesisStreamName());
        assertThat(body.get("firehoseDeliveryStreamName").asText()).isEqualTo(current.firehoseDeliveryStreamName());
        assertThat(body.get("version").asLong()).isEqualTo(current.version());
    }

    @Test
    void adminChangesTheSettingsAndTheChangeIsStoredWithWhoAndWhen() throws Exception {
        boolean wasFirehose = settings.current().firehose();

        ResponseEntity<String> response = put(asAdmin(), """
                {"firehose": %s, "kinesisStreamName": "api-stream", "firehoseDeliveryStreamName": "api.delivery"}
                """.formatted(!wasFirehose));

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode body = json.readTree(response.getBody());
        assertThat(body.get("firehose").asBoolean()).isEqualTo(!wasFirehose);
        assertThat(body.get("updatedBy").asText()).isEqualTo(ConsoleTest.ADMIN_USERNAME);
        assertThat(body.get("updatedAt").asText()).isNotBlank();
        Settings stored = settings.current();
        assertThat(stored.firehose()).isEqualTo(!wasFirehose);
        assertThat(stored.kinesisStreamName()).isEqualTo("api-stream");
        assertThat(stored.firehoseDeliveryStreamName()).isEqualTo("api.delivery");
        assertThat(stored.updatedBy()).isEqualTo(ConsoleTest.ADMIN_USERNAME);
    }

    @Test
    void invalidNamesAreAProblemNamingEachFieldAndNothingIsStored() throws Exception {
        Settings before = settings.current();
        String tooLong = "s".repeat(129);

        ResponseEntity<String> response = put(asAdmin(), """
                {"firehose": true, "kinesisStreamName": "has space", "firehoseDeliveryStreamName": "%s"}
                """.formatted(tooLong));

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        JsonNode problem = json.readTree(response.getBody());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("title").asText()).isEqualTo("Invalid settings");
        assertThat(fields(problem)).containsExactlyInAnyOrder("kinesisStreamName", "firehoseDeliveryStreamName");
        assertThat(settings.current()).isEqualTo(before);
    }

    @Test
    void missingFieldsAreNamed() throws Exception {
        ResponseEntity<String> response = put(asAdmin(), "{\"kinesisStreamName\": \"ok\"}");

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(fields(json.readTree(response.getBody())))
                .containsExactlyInAnyOrder("firehose", "firehoseDeliveryStreamName");
    }

    @Test
    void malformedJsonIsAProblemNotAServerError() throws Exception {
        ResponseEntity<String> response = put(asAdmin(), "{\"firehose\": ");

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(json.readTree(response.getBody()).get("title").asText()).isEqualTo("Unreadable request");
    }

    @Test
    void wrongTypeNamesTheField() throws Exception {
        ResponseEntity<String> response = put(asAdmin(), """
                {"firehose": "sometimes", "kinesisStreamName": "a", "firehoseDeliveryStreamName": "b"}
                """);

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(fields(json.readTree(response.getBody()))).containsExactly("firehose");
    }

    @Test
    void aStaleVersionIsAConflict() throws Exception {
        Settings current = settings.current();
        put(asAdmin(), body(current, "fresh-1", current.version()));

        ResponseEntity<String> response = put(asAdmin(), body(current, "stale-write", current.version()));

        assertThat(response.getStatusCode().value()).isEqualTo(409);
        JsonNode problem = json.readTree(response.getBody());
        assertThat(problem.get("currentVersion").asLong()).isEqualTo(current.version() + 1);
        assertThat(settings.current().kinesisStreamName()).isEqualTo("fresh-1");
    }

    @Test
    void aViewerWritingIsForbiddenAndNothingChanges() throws Exception {
        Settings before = settings.current();

        ResponseEntity<String> response = put(asViewer(), body(before, "viewer-was-here", null));

        assertThat(response.getStatusCode().value()).isEqualTo(403);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(json.readTree(response.getBody()).get("status").asInt()).isEqualTo(403);
        assertThat(settings.current()).isEqualTo(before);
    }

    @Test
    void withoutCredentialsIsUnauthorized() throws Exception {
        ResponseEntity<String> read = http.getForEntity("/api/settings", String.class);
        ResponseEntity<String> write = put(http, body(settings.current(), "anonymous", null));

        assertThat(read.getStatusCode().value()).isEqualTo(401);
        assertThat(read.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Basic");
        assertThat(read.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(json.readTree(read.getBody()).get("status").asInt()).isEqualTo(401);
        assertThat(write.getStatusCode().value()).isEqualTo(401);
        assertThat(settings.current().kinesisStreamName()).isNotEqualTo("anonymous");
    }

    @Test
    void aWrongPasswordIsUnauthorized() {
        ResponseEntity<String> response = http.withBasicAuth(ConsoleTest.ADMIN_USERNAME, "not-the-password")
                .getForEntity("/api/settings", String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(401);
    }

    private TestRestTemplate asAdmin() {
        return http.withBasicAuth(ConsoleTest.ADMIN_USERNAME, ConsoleTest.ADMIN_PASSWORD);
    }

    private TestRestTemplate asViewer() {
        return http.withBasicAuth(VIEWER, TestUsers.PASSWORD);
    }

    private static ResponseEntity<String> put(TestRestTemplate client, String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return client.exchange("/api/settings", HttpMethod.PUT, new HttpEntity<>(body, headers), String.class);
    }

    private static String body(Settings base, String kinesisStreamName, Long version) {
        return """
                {"firehose": %s, "kinesisStreamName": "%s", "firehoseDeliveryStreamName": "%s", "version": %s}
                """.formatted(base.firehose(), kinesisStreamName, base.firehoseDeliveryStreamName(), version);
    }

    private static List<String> fields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(error -> fields.add(error.get("field").asText()));
        return fields;
    }
}

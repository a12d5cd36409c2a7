package memberstream.settings.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * Input a careless or hostile client sends to {@code PUT /api/settings}: each is a 400 problem (415
 * for a body that is not JSON), never a 500, and the stored settings stay as they were.
 */
@ConsoleTest
class SettingsApiHostileInputTest {

    private static final String ADMIN = "settings-hostile-admin";

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    SettingsService settings;

    @Autowired
    UserService users;

    @Autowired
    UserDetailsService userDetails;

    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void adminExists() {
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
    }

    @Test
    void streamNamesWithControlCharactersSurrogatesOrOfUnboundedLengthAreRefused() throws Exception {
        Settings before = settings.current();
        for (String name : List.of("a\\u0000b", "a\\u0007", "a\\ud800", "a\\ud83d\\ude00", "a b", "a\\nb",
                "x".repeat(129), "x".repeat(1_000_000), "")) {
            assertRefused(put(body("false", "\"" + name + "\"", "null")), "kinesisStreamName");
        }
        assertThat(settings.current()).isEqualTo(before);
    }

    @Test
    void valuesOfTheWrongJsonTypeAreRefused() throws Exception {
        Settings before = settings.current();
        assertRefused(put(body("\"maybe\"", "\"s\"", "null")), "firehose");
        assertRefused(put(body("{}", "\"s\"", "null")), "firehose");
        assertRefused(put(body("false", "{\"name\": \"s\"}", "null")), "kinesisStreamName");
        assertRefused(put(body("false", "[\"s\"]", "null")), "kinesisStreamName");
        for (String version : List.of("\"x\"", "99999999999999999999", "1e400", "{}", "[]")) {
            HttpResponse<String> reply = put(body("false", "\"s\"", version));
            assertThat(reply.statusCode()).as(version + ": " + reply.body()).isEqualTo(400);
            assertThat(reply.headers().firstValue("Content-Type")).get().asString()
                    .startsWith("application/problem+json");
        }
        assertThat(settings.current()).isEqualTo(before);
    }

    @Test
    void bodiesThatAreNoSettingsAreRefused() throws Exception {
        Settings before = settings.current();
        List<String> bodies = new ArrayList<>(List.of("", "null", "[]", "1", "\"settings\"", "{", "\u0000",
                "{\"firehose\": false} trailing"));
        bodies.add("[".repeat(5000) + "]".repeat(5000));
        bodies.add("{\"kinesisStreamName\": " + "[".repeat(5000) + "]".repeat(5000) + "}");
        for (String body : bodies) {
            HttpResponse<String> reply = put(body);
            assertThat(reply.statusCode()).as(body.length() > 40 ? body.substring(0, 40) : body).isEqualTo(400);
            assertThat(reply.headers().firstValue("Content-Type")).get().asString()
                    .startsWith("application/problem+json");
        }
        assertThat(send(HttpRequest.newBuilder(uri()).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("firehose")), "").statusCode()).isEqualTo(415);
        assertThat(settings.current()).isEqualTo(before);
    }

    private void assertRefused(HttpResponse<String> reply, String field) throws Exception {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(400);
        assertThat(reply.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        JsonNode problem = json.readTree(reply.body());
        problem.path("errors").forEach(error -> fields.add(error.get("field").asText()));
        assertThat(fields).as(reply.body()).contains(field);
    }

    private static String body(String firehose, String kinesisStreamName, String version) {
        return """
                {"firehose": %s, "kinesisStreamName": %s, "firehoseDeliveryStreamName": "d", "version": %s}"""
                .formatted(firehose, kinesisStreamName, version);
    }

    private HttpResponse<String> put(String body) throws Exception {
        return send(HttpRequest.newBuilder(uri()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)), body);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String body) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((ADMIN + ":" + TestUsers.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        return client.send(request.header("Authorization", "Basic " + credentials)
                .header("Accept", "application/json, application/problem+json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/api/settings");
    }
}

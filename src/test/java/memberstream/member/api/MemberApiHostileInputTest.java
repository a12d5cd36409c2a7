package memberstream.member.api;

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
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.TestUsers;
import memberstream.security.Role;
import memberstream.security.UserService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * Input a careless or hostile client sends: each must be a 400 problem naming what is wrong (never
 * a 500, never stored). Raw HTTP through the JDK client, so that query strings and bodies reach the
 * console exactly as written here.
 */
@ConsoleTest
class MemberApiHostileInputTest {

    private static final String ADMIN = "members-hostile-admin";

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    UserService users;

    @Autowired
    UserDetailsService userDetails;

    private final HttpClient client = HttpClient.newHttpClient();
    private String tag;

    @BeforeEach
    void setUp() {
        tag = UUID.randomUUID().toString().substring(0, 8);
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
    }

    @Test
    void pagesPastWhatTheDatabaseCanOffsetAreRefused() throws Exception {
        assertRefused(get("/api/members?page=2147483647"), "page");
        assertRefused(get("/api/members?page=21474837&size=100"), "page");
        assertThat(get("/api/members?page=21474836&size=100").status()).isEqualTo(200);
    }

    @Test
    void hugeOrUnreadablePageSizesAreCappedOrDefaulted() throws Exception {
        Reply huge = get("/api/members?size=2147483647");
        assertThat(huge.status()).isEqualTo(200);
        assertThat(huge.body().get("size").asInt()).isEqualTo(MemberApiController.MAX_PAGE_SIZE);

        for (String query : List.of("size=99999999999999999999", "size=-5", "page=-1", "page=x", "size=1e9")) {
            assertThat(get("/api/members?" + query).status()).as(query).isEqualTo(200);
        }
    }

    @Test
    void searchesWithControlCharactersOrOfUnboundedLengthAreRefused() throws Exception {
        assertRefused(get("/api/members?q=a%00b"), "q");
        assertRefused(get("/api/members?q=a%07b"), "q");
        assertRefused(get("/api/members?q=" + "x".repeat(MemberApiController.MAX_SEARCH_LENGTH + 1)), "q");
        assertThat(get("/api/members?q=" + "x".repeat(MemberApiController.MAX_SEARCH_LENGTH)).status())
                .isEqualTo(200);
        assertThat(get("/api/members?q=50%25_%5C").status()).isEqualTo(200);
    }

    @Test
    void unreadableQueryValuesAndIdsAreRefused() throws Exception {
        assertRefused(get("/api/members?role=MEMBER%7F"), "role");
        assertThat(get("/api/members?role=%00").status()).as("NUL, trimmed like a space, filters nothing")
                .isEqualTo(200);
        assertRefused(get("/api/members?sort=fullName,sideways"), "sort");
        assertRefused(get("/api/members/99999999999999999999"), "id");
        assertRefused(get("/api/members/abc"), "id");
    }

    @Test
    void joinDatesOutsideWhatAMemberCanHaveAreRefused() throws Exception {
        for (String date : List.of("-999999999-01-01", "0000-01-01", "1899-12-31", "+999999999-12-31",
                "+10000-01-01", "3000-01-01")) {
            assertRefused(post(member("Ada", "\"" + date + "\"")), "joinedOn");
        }
        assertRefused(post(member("Ada", "\"2024-02-30\"")), "joinedOn");
        assertRefused(post(member("Ada", "20240301")), "joinedOn");
        assertThat(post(member("Ada 1900 " + tag, "\"1900-01-01\"")).status()).isEqualTo(201);
    }

    @Test
    void controlCharactersAndLoneSurrogatesInTextAreRefused() throws Exception {
        for (String name : List.of("Ada\\u0000Lovelace", "Ada\\u0007", "Ada\\u001b[31m", "Ada\\u007f",
                "Ada\\u0085", "Ada\\ud800", "\\udc00Ada", "Ada\\nLovelace")) {
            assertRefused(post(member(name, "\"2024-03-01\"")), "fullName");
        }
        assertRefused(post("""
                {"fullName": "Ada", "email": "ada-%s@example.org\\u0000", "role": "MEMBER", "status": "ACTIVE",
                 "joinedOn": "2024-03-01"}""".formatted(tag)), "email");
        assertRefused(post(withNotes("a\\u0000b")), "notes");

        Reply lines = post(withNotes("first line\\nsecond\\tline"));
        assertThat(lines.status()).as(lines.body().toString()).isEqualTo(201);
        assertThat(lines.body().get("notes").asText()).isEqualTo("first line\nsecond\tline");
        Reply emoji = post(member("Ada \\ud83d\\ude00 " + tag, "\"2024-03-01\""));
        assertThat(emoji.status()).as(emoji.body().toString()).isEqualTo(201);
    }

    @Test
    void overlongValuesAreRefused() throws Exception {
        assertRefused(post(member("A".repeat(100_000), "\"2024-03-01\"")), "fullName");
        assertRefused(post(withNotes("n".repeat(2001))), "notes");
        assertRefused(post("""
                {"fullName": "Ada", "email": "%s@example.org", "role": "MEMBER", "status": "ACTIVE",
                 "joinedOn": "2024-03-01", "phone": "%s"}""".formatted(tag, "1".repeat(33))), "phone");
    }

    @Test
    void valuesOfTheWrongJsonTypeAreRefused() throws Exception {
        assertRefused(post(member("Ada", "[2024, 3, 1, 5]")), "joinedOn");
        assertRefused(post(member("Ada", "{}")), "joinedOn");
        assertRefused(post(member("Ada", "\"2024-03-01\"").replace("\"Ada\"", "{\"first\": \"Ada\"}")),
                "fullName");
        assertRefused(post(member("Ada", "\"2024-03-01\"").replace("\"Ada\"", "[\"Ada\"]")), "fullName");
        assertRefused(post(member("Ada", "\"2024-03-01\"").replace("\"MEMBER\"", "7")), "role");
        for (String version : List.of("\"x\"", "99999999999999999999", "1e400", "{}")) {
            Reply reply = put("/api/members/1", member("Ada", "\"2024-03-01\"").replace("}",
                    ", \"version\": " + version + "}"));
            assertThat(reply.status()).as(version + ": " + reply.body()).isEqualTo(400);
        }
    }

    @Test
    void bodiesThatAreNoMemberAreRefused() throws Exception {
        List<String> bodies = new ArrayList<>(List.of("", "null", "[]", "1", "\"member\"", "{", "{\"fullName\": }",
                "{\"fullName\": \"Ada\"} trailing", "\u0000"));
        bodies.add("[".repeat(5000) + "]".repeat(5000));
        bodies.add("{\"notes\": " + "[".repeat(5000) + "]".repeat(5000) + "}");
        for (String body : bodies) {
            Reply reply = post(body);
            assertThat(reply.status()).as(body.length() > 40 ? body.substring(0, 40) : body).isEqualTo(400);
            assertThat(reply.contentType()).startsWith("application/problem+json");
        }
        assertThat(send(HttpRequest.newBuilder(uri("/api/members")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))).status()).isEqualTo(415);
    }

    private void assertRefused(Reply reply, String field) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        reply.body().path("errors").forEach(error -> fields.add(error.get("field").asText()));
        assertThat(fields).as(reply.body().toString()).contains(field);
    }

    private String member(String fullName, String joinedOn) {
        return """
                {"fullName": "%s", "email": "hostile-%s-%s@example.org", "role": "MEMBER", "status": "ACTIVE",
                 "joinedOn": %s}""".formatted(fullName, tag, UUID.randomUUID().toString().substring(0, 6), joinedOn);
    }

    private String withNotes(String notes) {
        return member("Ada " + tag, "\"2024-03-01\"").replace("}", ", \"notes\": \"" + notes + "\"}");
    }

    private Reply get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private Reply post(String body) throws Exception {
        return send(HttpRequest.newBuilder(uri("/api/members")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Reply put(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Reply send(HttpRequest.Builder request) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((ADMIN + ":" + TestUsers.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = client.send(request.header("Authorization", "Basic " + credentials)
                .header("Accept", "application/json, application/problem+json").build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
        } catch (Exception notJson) {
            body = json.getNodeFactory().textNode(response.body());
        }
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private record Reply(int status, String contentType, JsonNode body) {
    }
}

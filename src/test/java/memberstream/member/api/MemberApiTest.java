package memberstream.member.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.TestUsers;
import memberstream.security.Role;
import memberstream.security.UserService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * The members API as a client sees it: real HTTP with Basic auth on a random port, through the
 * security filters and the service to PostgreSQL. The database is shared with other tests, so each
 * test tags its members and filters on the tag.
 */
@ConsoleTest
class MemberApiTest {

    // Own users rather than the first admin: other tests in the shared context may change its password.
    private static final String ADMIN = "members-api-admin";
    private static final String VIEWER = "members-api-viewer";
    private static final String VIEWER_PASSWORD = TestUsers.PASSWORD;

    @Autowired
    TestRestTemplate http;

    @Autowired
    ObjectMapper json;

    @Autowired
    UserService users;

    @Autowired
    UserDetailsService userDetails;

    String tag;

    @BeforeEach
    void setUp() {
        tag = UUID.randomUUID().toString().substring(0, 8);
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
        TestUsers.ensure(userDetails, users, VIEWER, Role.VIEWER);
    }

    @Test
    void createReturnsTheStoredMemberWithItsLocation() {
        Reply reply = admin(HttpMethod.POST, "/api/members", member("Ada Lovelace", "  ada-" + tag + "@example.org "));

        assertThat(reply.status()).isEqualTo(HttpStatus.CREATED);
        JsonNode created = reply.body();
        assertThat(reply.headers().getLocation()).hasToString("/api/members/" + created.get("id").asLong());
        assertThat(created.get("fullName").asText()).isEqualTo("Ada Lovelace");
        assertThat(created.get("email").asText()).isEqualTo("ada-" + tag + "@example.org");
        assertThat(created.get("role").asText()).isEqualTo("MEMBER");
        assertThat(created.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(created.get("joinedOn").asText()).isEqualTo("2024-03-01");
        assertThat(created.get("version").asLong()).isZero();
        assertThat(created.get("createdAt").asText()).isEqualTo(created.get("updatedAt").asText());
        assertThat(admin(HttpMethod.GET, "/api/members/" + created.get("id").asLong(), null).body())
                .isEqualTo(created);
    }

    @Test
    void createRefusesInvalidInputNamingTheFieldsAndStoresNothing() {
        String body = """
                {"fullName": "  ", "email": "not-an-email-%s", "phone": "call me", "joinedOn": "2999-01-01"}"""
                .formatted(tag);
        Reply reply = admin(HttpMethod.POST, "/api/members", body);

        assertThat(reply.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(reply.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(reply.body().get("status").asInt()).isEqualTo(400);
        assertThat(reply.body().get("title").asText()).isEqualTo("Invalid member");
        assertThat(reply.errorFields()).containsExactlyInAnyOrder(
                "fullName", "email", "phone", "role", "status", "joinedOn");
        assertThat(total("q=" + tag)).isZero();
    }

    @Test
    void theTotalIsExactOnEveryPageOfASearchAlsoWhenTheLastPageIsShort() {
        for (int i = 0; i < 3; i++) {
            create("Counted " + i, "counted-" + i + "-" + tag + "@example.org");
        }
        assertThat(total("q=" + tag + "&size=2&page=0")).isEqualTo(3);
        assertThat(total("q=" + tag + "&size=2&page=1")).isEqualTo(3); // the short last page
        assertThat(total("q=" + tag + "&size=2&page=7")).isEqualTo(3); // past the end: counted
        assertThat(total("q=" + tag + "&size=5")).isEqualTo(3);
        assertThat(viewer(HttpMethod.GET, "/api/members?q=" + tag + "&size=5", null).body().get("totalExact").asBoolean())
                .isTrue();
    }

    @Test
    void aSearchShorterThanATrigramStillFindsItsMembers() {
        long id = create("Zqa " + tag, "short-" + tag + "@example.org").get("id").asLong();
        JsonNode page = viewer(HttpMethod.GET, "/api/members?q=ZQ&size=100", null).body();
        assertThat(page.get("content").findValues("id").stream().map(JsonNode::asLong).toList()).contains(id);
    }

    @Test
    void createRefusesAnUnknownRoleAsAFieldError() {
        Reply reply = admin(HttpMethod.POST, "/api/members",
                member("Ada", "ada-" + tag + "@example.org").replace("MEMBER", "CAPTAIN"));

        assertThat(reply.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(reply.errorFields()).containsExactly("role");
        assertThat(reply.body().at("/errors/0/message").asText()).contains("VOLUNTEER");
    }

    @Test
    void createRefusesMalformedJson() {
        Reply reply = admin(HttpMethod.POST, "/api/members", "{\"fullName\": ");

        assertThat(reply.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(reply.body().get("title").asText()).isEqualTo("Unreadable request");
    }

    @Test
    void createRefusesAnEmailAlreadyUsedInAnyCapitalisation() {
        create("Ada Lovelace", "ada-" + tag + "@example.org");
        Reply reply = admin(HttpMethod.POST, "/api/members", member("Other Ada", "ADA-" + tag + "@Example.ORG"));

        assertThat(reply.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(reply.errorFields()).containsExactly("email");
        assertThat(reply.body().at("/errors/0/message").asText())
                .isEqualTo("Another member already uses this email address");
        assertThat(total("q=" + tag)).isEqualTo(1);
    }

    @Test
    void getReturnsTheMemberAnd404ForAnUnknownId() {
        long id = create("Grace Hopper", "grace-" + tag + "@example.org").get("id").asLong();

        Reply found = viewer(HttpMethod.GET, "/api/members/" + id, null);
        assertThat(found.status()).isEqualTo(HttpStatus.OK);
        assertThat(found.body().get("fullName").asText()).isEqualTo("Grace Hopper");

        Reply missing = viewer(HttpMethod.GET, "/api/members/" + (id + 1_000_000), null);
        assertThat(missing.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(missing.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(missing.body().get("title").asText()).isEqualTo("Member not found");
        assertThat(missing.body().get("memberId").asLong()).isEqualTo(id + 1_000_000);
    }

    @Test
    void listPagesSearchesAndSorts() {
        create("Charlie Chaplin " + tag, "charlie-" + tag + "@example.org");
        create("Alan Turing " + tag, "alan-" + tag + "@example.org");
        create("Barbara Liskov " + tag, "barbara-" + tag + "@lists.example.org");

        JsonNode first = viewer(HttpMethod.GET, "/api/members?q=" + tag + "&size=2&sort=fullName,desc", null).body();
        assertThat(first.get("totalElements").asLong()).isEqualTo(3);
        assertThat(first.get("totalPages").asInt()).isEqualTo(2);
        assertThat(first.get("size").asInt()).isEqualTo(2);
        assertThat(names(first)).containsExactly("Charlie Chaplin " + tag, "Barbara Liskov " + tag);

        JsonNode second = viewer(HttpMethod.GET, "/api/members?q=" + tag + "&size=2&page=1&sort=fullName,desc", null)
                .body();
        assertThat(second.get("page").asInt()).isEqualTo(1);
        assertThat(names(second)).containsExactly("Alan Turing " + tag);

        assertThat(names(viewer(HttpMethod.GET, "/api/members?q=" + tag + "@LISTS", null).body()))
                .containsExactly("Barbara Liskov " + tag);
        assertThat(names(viewer(HttpMethod.GET, "/api/members?q=turing " + tag, null).body()))
                .containsExactly("Alan Turing " + tag);
    }

    @Test
    void listPagesOnByCursorWithTheSameRowsAsByPageNumber() {
        for (int i = 0; i < 7; i++) {
            create("Cursor " + (i % 3) + " " + tag, "cursor-" + i + "-" + tag + "@example.org");
        }
        for (String sort : List.of("fullName,asc", "fullName,desc", "email,desc", "role,asc")) {
            List<String> byCursor = new ArrayList<>();
            String after = "";
            for (int page = 0; page < 4; page++) {
                JsonNode answer = viewer(HttpMethod.GET, "/api/members?q=" + tag + "&size=3&sort=" + sort
                        + (after.isEmpty() ? "" : "&after=" + after), null).body();
                assertThat(answer.get("totalElements").asLong()).isEqualTo(7);
                assertThat(answer.get("totalExact").asBoolean()).isTrue();
                byCursor.addAll(emails(answer));
                after = answer.get("next").isNull() ? "" : answer.get("next").asText();
                if (after.isEmpty()) {
                    break;
                }
            }
            List<String> byPage = new ArrayList<>();
            for (int page = 0; page < 3; page++) {
                byPage.addAll(emails(viewer(HttpMethod.GET, "/api/members?q=" + tag + "&size=3&page=" + page
                        + "&sort=" + sort, null).body()));
            }
            assertThat(byCursor).as(sort).hasSize(7).doesNotHaveDuplicates().isEqualTo(byPage);
        }
    }

    @Test
    void listRefusesAMalformedCursorOrOneWithMixedSortDirections() {
        Reply malformed = viewer(HttpMethod.GET, "/api/members?after=not-a-cursor", null);
        assertThat(malformed.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(malformed.errorFields()).containsExactly("after");

        Reply mixed = viewer(HttpMethod.GET, "/api/members?sort=role,asc&sort=fullName,desc&after=QQ.MQ.MQ", null);
        assertThat(mixed.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(mixed.errorFields()).containsExactly("after");
    }

    @Test
    void listFiltersOnRoleAndStatus() {
        create("Alan Turing " + tag, "alan-" + tag + "@example.org");
        assertThat(admin(HttpMethod.POST, "/api/members", member("Board Person " + tag, "board-" + tag + "@example.org")
                .replace("MEMBER", "BOARD").replace("ACTIVE", "SUSPENDED")).status()).isEqualTo(HttpStatus.CREATED);

        assertThat(names(viewer(HttpMethod.GET, "/api/members?q=" + tag + "&role=BOARD", null).body()))
                .containsExactly("Board Person " + tag);
        assertThat(names(viewer(HttpMethod.GET, "/api/members?q=" + tag + "&status=ACTIVE", null).body()))
                .containsExactly("Alan Turing " + tag);
        assertThat(total("q=" + tag + "&role=BOARD&status=ACTIVE")).isZero();
    }

    @Test
    void listRefusesUnknownFilterValuesAndSortProperties() {
        Reply role = viewer(HttpMethod.GET, "/api/members?role=CAPTAIN", null);
        assertThat(role.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(role.errorFields()).containsExactly("role");

        Reply sort = viewer(HttpMethod.GET, "/api/members?sort=password", null);
        assertThat(sort.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(sort.errorFields()).containsExactly("sort");
    }

    @Test
    void updateWithTheReadVersionSavesAndBumpsTheVersion() {
        JsonNode created = create("Grace Hopper", "grace-" + tag + "@example.org");
        String body = withVersion(member("Grace B. Hopper", "grace-" + tag + "@example.org"),
                created.get("version").asLong());

        Reply reply = admin(HttpMethod.PUT, "/api/members/" + created.get("id").asLong(), body);

        assertThat(reply.status()).isEqualTo(HttpStatus.OK);
        assertThat(reply.body().get("fullName").asText()).isEqualTo("Grace B. Hopper");
        assertThat(reply.body().get("version").asLong()).isEqualTo(1);
        assertThat(reply.body().get("createdAt")).isEqualTo(created.get("createdAt"));
    }

    @Test
    void updateWithAStaleVersionIs409AndOverwritesNothing() {
        long id = create("Grace Hopper", "grace-" + tag + "@example.org").get("id").asLong();
        assertThat(admin(HttpMethod.PUT, "/api/members/" + id,
                withVersion(member("First Edit", "grace-" + tag + "@example.org"), 0)).status())
                .isEqualTo(HttpStatus.OK);

        Reply stale = admin(HttpMethod.PUT, "/api/members/" + id,
                withVersion(member("Second Edit", "grace-" + tag + "@example.org"), 0));

        assertThat(stale.status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(stale.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(stale.body().get("title").asText()).isEqualTo("Member changed meanwhile");
        assertThat(stale.body().get("currentVersion").asLong()).isEqualTo(1);
        assertThat(admin(HttpMethod.GET, "/api/members/" + id, null).body().get("fullName").asText())
                .isEqualTo("First Edit");
    }

    @Test
    void updateNeedsTheVersion() {
        long id = create("Grace Hopper", "grace-" + tag + "@example.org").get("id").asLong();

        Reply reply = admin(HttpMethod.PUT, "/api/members/" + id, member("Grace", "grace-" + tag + "@example.org"));

        assertThat(reply.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(reply.errorFields()).containsExactly("version");
    }

    @Test
    void updateOfAnUnknownMemberIs404() {
        Reply reply = admin(HttpMethod.PUT, "/api/members/987654321",
                withVersion(member("Nobody", "nobody-" + tag + "@example.org"), 0));

        assertThat(reply.status()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void updateRefusesInvalidInputAndAnotherMembersEmail() {
        create("Alan Turing", "alan-" + tag + "@example.org");
        long id = create("Grace Hopper", "grace-" + tag + "@example.org").get("id").asLong();

        Reply taken = admin(HttpMethod.PUT, "/api/members/" + id,
                withVersion(member("Grace", "Alan-" + tag + "@example.org"), 0));
        assertThat(taken.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(taken.errorFields()).containsExactly("email");

        Reply blank = admin(HttpMethod.PUT, "/api/members/" + id,
                withVersion(member("", "grace-" + tag + "@example.org"), 0));
        assertThat(blank.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(blank.errorFields()).contains("fullName");

        JsonNode unchanged = admin(HttpMethod.GET, "/api/members/" + id, null).body();
        assertThat(unchanged.get("fullName").asText()).isEqualTo("Grace Hopper");
        assertThat(unchanged.get("version").asLong()).isZero();
    }

    @Test
    void deleteRemovesTheMemberAndThenSays404() {
        long id = create("Grace Hopper", "grace-" + tag + "@example.org").get("id").asLong();

        assertThat(admin(HttpMethod.DELETE, "/api/members/" + id, null).status()).isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(admin(HttpMethod.GET, "/api/members/" + id, null).status()).isEqualTo(HttpStatus.NOT_FOUND);

        Reply again = admin(HttpMethod.DELETE, "/api/members/" + id, null);
        assertThat(again.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(again.body().get("detail").asText()).contains("does not exist");
    }

    @Test
    void aViewerReadsButCannotWrite() {
        long id = create("Grace Hopper", "grace-" + tag + "@example.org").get("id").asLong();

        assertThat(viewer(HttpMethod.POST, "/api/members", member("Sneaky", "sneaky-" + tag + "@example.org"))
                .status()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(viewer(HttpMethod.PUT, "/api/members/" + id,
                withVersion(member("Sneaky", "grace-" + tag + "@example.org"), 0)).status())
                .isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(viewer(HttpMethod.DELETE, "/api/members/" + id, null).status()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(total("q=" + tag)).isEqualTo(1);
        assertThat(admin(HttpMethod.GET, "/api/members/" + id, null).body().get("fullName").asText())
                .isEqualTo("Grace Hopper");
    }

    @Test
    void nobodyReadsWithoutLoggingIn() {
        ResponseEntity<String> reply = http.getForEntity("/api/members", String.class);

        assertThat(reply.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    // --- helpers

    record Reply(HttpStatus status, HttpHeaders headers, JsonNode body) {
        List<String> errorFields() {
            List<String> fields = new ArrayList<>();
            body.path("errors").forEach(error -> fields.add(error.get("field").asText()));
            return fields;
        }
    }

    private JsonNode create(String fullName, String email) {
        Reply reply = admin(HttpMethod.POST, "/api/members", member(fullName, email));
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(HttpStatus.CREATED);
        return reply.body();
    }

    private long total(String query) {
        return viewer(HttpMethod.GET, "/api/members?" + query, null).body().get("totalElements").asLong();
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("content").forEach(member -> names.add(member.get("fullName").asText()));
        return names;
    }

    private static List<String> emails(JsonNode page) {
        List<String> emails = new ArrayList<>();
        page.get("content").forEach(member -> emails.add(member.get("email").asText()));
        return emails;
    }

    static String member(String fullName, String email) {
        return """
                {"fullName": "%s", "email": "%s", "role": "MEMBER", "status": "ACTIVE", "joinedOn": "2024-03-01"}"""
                .formatted(fullName, email);
    }

    static String withVersion(String body, long version) {
        return body.substring(0, body.lastIndexOf('}')) + ", \"version\": " + version + "}";
    }

    private Reply admin(HttpMethod method, String path, String body) {
        return send(http.withBasicAuth(ADMIN, TestUsers.PASSWORD), method, path, body);
    }

    private Reply viewer(HttpMethod method, String path, String body) {
        return send(http.withBasicAuth(VIEWER, VIEWER_PASSWORD), method, path, body);
    }

    private Reply send(TestRestTemplate client, HttpMethod method, String path, String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setAccept(List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON));
        ResponseEntity<String> response = client.exchange(path, method, new HttpEntity<>(body, headers), String.class);
        try {
            JsonNode parsed = response.getBody() == null ? json.nullNode() : json.readTree(response.getBody());
            return new Reply(HttpStatus.valueOf(response.getStatusCode().value()), response.getHeaders(), parsed);
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + response.getBody(), e);
        }
    }
}

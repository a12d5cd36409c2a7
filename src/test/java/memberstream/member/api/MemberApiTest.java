package memberstream.member.api;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/** The members API end to end: HTTP through the security filters, the service, a real PostgreSQL. */
@SpringBootTest(properties = {"memberstream.data-dir=target/test-data/members", "memberstream.engine.port=0"})
@AutoConfigureMockMvc
class MemberApiTest {

    private static final RequestPostProcessor ADMIN = user("admin").roles("ADMIN");

    @Autowired
    MockMvc mvc;

    @Autowired
    ObjectMapper json;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void noMembers() {
        jdbc.update("delete from members");
    }

    @Test
    void createReturnsTheStoredMemberWithItsLocation() throws Exception {
        mvc.perform(as(ADMIN, post("/api/members"), member("Ada Lovelace", "  ada@example.org ")))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", startsWith("/api/members/")))
                .andExpect(jsonPath("$.id").isNumber())
                .andExpect(jsonPath("$.fullName").value("Ada Lovelace"))
                .andExpect(jsonPath("$.email").value("ada@example.org"))
                .andExpect(jsonPath("$.role").value("MEMBER"))
                .andExpect(jsonPath("$.status").value("ACTIVE"))
                .andExpect(jsonPath("$.joinedOn").value("2024-03-01"))
                .andExpect(jsonPath("$.version").value(0))
                .andExpect(jsonPath("$.createdAt").isString());
        Integer stored = jdbc.queryForObject("select count(*) from members where email = 'ada@example.org'", Integer.class);
        org.assertj.core.api.Assertions.assertThat(stored).isEqualTo(1);
    }

    @Test
    void createRefusesInvalidInputNamingTheFieldsAndStoresNothing() throws Exception {
        String body = """
                {"fullName": "  ", "email": "not-an-email", "phone": "call me", "joinedOn": "2999-01-01"}""";
        mvc.perform(as(ADMIN, post("/api/members"), body))
                .andExpect(status().isBadRequest())
                .andExpect(header().string("Content-Type", "application/problem+json"))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.title").value("Invalid member"))
                .andExpect(jsonPath("$.errors[*].field").value(containsInAnyOrder(
                        "fullName", "email", "phone", "role", "status", "joinedOn")));
        org.assertj.core.api.Assertions.assertThat(
                jdbc.queryForObject("select count(*) from members", Integer.class)).isZero();
    }

    @Test
    void createRefusesAnUnknownRoleAsAFieldError() throws Exception {
        mvc.perform(as(ADMIN, post("/api/members"), member("Ada", "ada@example.org").replace("MEMBER", "CAPTAIN")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("role"))
                .andExpect(jsonPath("$.errors[0].message").value(containsString("VOLUNTEER")));
    }

    @Test
    void createRefusesMalformedJson() throws Exception {
        mvc.perform(as(ADMIN, post("/api/members"), "{\"fullName\": "))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.title").value("Unreadable request"));
    }

    @Test
    void createRefusesAnEmailAlreadyUsedInAnyCapitalisation() throws Exception {
        create("Ada Lovelace", "ada@example.org");
        mvc.perform(as(ADMIN, post("/api/members"), member("Other Ada", "ADA@Example.ORG")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("email"))
                .andExpect(jsonPath("$.errors[0].message").value("Another member already uses this email address"));
    }

    @Test
    void getReturnsTheMemberAnd404ForAnUnknownId() throws Exception {
        long id = create("Grace Hopper", "grace@example.org").get("id").asLong();
        mvc.perform(get("/api/members/" + id).with(ADMIN))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.fullName").value("Grace Hopper"));
        mvc.perform(get("/api/members/" + (id + 1000)).with(ADMIN))
                .andExpect(status().isNotFound())
                .andExpect(header().string("Content-Type", "application/problem+json"))
                .andExpect(jsonPath("$.title").value("Member not found"))
                .andExpect(jsonPath("$.memberId").value(id + 1000));
    }

    @Test
    void listPagesFiltersAndSorts() throws Exception {
        create("Charlie Chaplin", "charlie@example.org");
        create("Alan Turing", "alan@example.org");
        create("Barbara Liskov", "barbara@lists.example.org");
        mvc.perform(get("/api/members?size=2&sort=fullName,desc").with(ADMIN))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.totalElements").value(3))
                .andExpect(jsonPath("$.totalPages").value(2))
                .andExpect(jsonPath("$.size").value(2))
                .andExpect(jsonPath("$.content[*].fullName").value(
                        org.hamcrest.Matchers.contains("Charlie Chaplin", "Barbara Liskov")));
        mvc.perform(get("/api/members?size=2&page=1&sort=fullName,desc").with(ADMIN))
                .andExpect(jsonPath("$.content[*].fullName").value(org.hamcrest.Matchers.contains("Alan Turing")));
        mvc.perform(get("/api/members?q=LISTS").with(ADMIN))
                .andExpect(jsonPath("$.totalElements").value(1))
                .andExpect(jsonPath("$.content[0].fullName").value("Barbara Liskov"));
        mvc.perform(get("/api/members?q=turing").with(ADMIN))
                .andExpect(jsonPath("$.content[0].email").value("alan@example.org"));
    }

    @Test
    void listFiltersOnRoleAndStatus() throws Exception {
        create("Alan Turing", "alan@example.org");
        mvc.perform(as(ADMIN, post("/api/members"), member("Board Person", "board@example.org")
                        .replace("MEMBER", "BOARD").replace("ACTIVE", "SUSPENDED")))
                .andExpect(status().isCreated());
        mvc.perform(get("/api/members?role=BOARD").with(ADMIN))
                .andExpect(jsonPath("$.totalElements").value(1))
                .andExpect(jsonPath("$.content[0].fullName").value("Board Person"));
        mvc.perform(get("/api/members?status=ACTIVE").with(ADMIN))
                .andExpect(jsonPath("$.totalElements").value(1))
                .andExpect(jsonPath("$.content[0].fullName").value("Alan Turing"));
        mvc.perform(get("/api/members?role=BOARD&status=ACTIVE").with(ADMIN))
                .andExpect(jsonPath("$.totalElements").value(0));
    }

    @Test
    void listRefusesUnknownFilterValuesAndSortProperties() throws Exception {
        mvc.perform(get("/api/members?role=CAPTAIN").with(ADMIN))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("role"));
        mvc.perform(get("/api/members?sort=password").with(ADMIN))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("sort"));
    }

    @Test
    void updateWithTheReadVersionSavesAndBumpsTheVersion() throws Exception {
        JsonNode created = create("Grace Hopper", "grace@example.org");
        String body = withVersion(member("Grace B. Hopper", "grace@example.org"), created.get("version").asLong());
        mvc.perform(as(ADMIN, put("/api/members/" + created.get("id").asLong()), body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.fullName").value("Grace B. Hopper"))
                .andExpect(jsonPath("$.version").value(1))
                .andExpect(jsonPath("$.createdAt").value(created.get("createdAt").asText()));
    }

    @Test
    void updateWithAStaleVersionIs409AndOverwritesNothing() throws Exception {
        JsonNode created = create("Grace Hopper", "grace@example.org");
        long id = created.get("id").asLong();
        mvc.perform(as(ADMIN, put("/api/members/" + id), withVersion(member("First Edit", "grace@example.org"), 0)))
                .andExpect(status().isOk());
        mvc.perform(as(ADMIN, put("/api/members/" + id), withVersion(member("Second Edit", "grace@example.org"), 0)))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.title").value("Member changed meanwhile"))
                .andExpect(jsonPath("$.currentVersion").value(1));
        mvc.perform(get("/api/members/" + id).with(ADMIN)).andExpect(jsonPath("$.fullName").value("First Edit"));
    }

    @Test
    void updateNeedsTheVersion() throws Exception {
        long id = create("Grace Hopper", "grace@example.org").get("id").asLong();
        mvc.perform(as(ADMIN, put("/api/members/" + id), member("Grace", "grace@example.org")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("version"));
    }

    @Test
    void updateOfAnUnknownMemberIs404() throws Exception {
        mvc.perform(as(ADMIN, put("/api/members/987654"), withVersion(member("Nobody", "nobody@example.org"), 0)))
                .andExpect(status().isNotFound());
    }

    @Test
    void updateRefusesInvalidInputAndAnotherMembersEmail() throws Exception {
        create("Alan Turing", "alan@example.org");
        long id = create("Grace Hopper", "grace@example.org").get("id").asLong();
        mvc.perform(as(ADMIN, put("/api/members/" + id), withVersion(member("Grace", "Alan@example.org"), 0)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("email"));
        mvc.perform(as(ADMIN, put("/api/members/" + id), withVersion(member("", "grace@example.org"), 0)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[*].field").value(hasItem("fullName")));
        mvc.perform(get("/api/members/" + id).with(ADMIN))
                .andExpect(jsonPath("$.fullName").value("Grace Hopper"))
                .andExpect(jsonPath("$.version").value(0));
    }

    @Test
    void deleteRemovesTheMemberAndThenSays404() throws Exception {
        long id = create("Grace Hopper", "grace@example.org").get("id").asLong();
        mvc.perform(delete("/api/members/" + id).with(ADMIN).with(csrf())).andExpect(status().isNoContent());
        mvc.perform(get("/api/members/" + id).with(ADMIN)).andExpect(status().isNotFound());
        mvc.perform(delete("/api/members/" + id).with(ADMIN).with(csrf()))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value(containsString("does not exist")));
    }

    private JsonNode create(String fullName, String email) throws Exception {
        String body = mvc.perform(as(ADMIN, post("/api/members"), member(fullName, email)))
                .andExpect(status().isCreated())
                .andReturn().getResponse().getContentAsString();
        return json.readTree(body);
    }

    static String member(String fullName, String email) {
        return """
                {"fullName": "%s", "email": "%s", "role": "MEMBER", "status": "ACTIVE", "joinedOn": "2024-03-01"}"""
                .formatted(fullName, email);
    }

    static String withVersion(String body, long version) {
        return body.substring(0, body.lastIndexOf('}')) + ", \"version\": " + version + "}";
    }

    static MockHttpServletRequestBuilder as(RequestPostProcessor user, MockHttpServletRequestBuilder request,
                                            String body) {
        return request.with(user).with(csrf()).contentType(MediaType.APPLICATION_JSON).content(body);
    }
}

package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import memberstream.ConsoleTest;
import memberstream.TestUsers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * The browser's way in over real HTTP: the login form, sessions, the open health endpoint. Uses
 * the JDK client with a cookie jar and no redirect following, to see exactly what a browser gets.
 */
@ConsoleTest
class ConsoleAccessTest {

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    UserDetailsService userDetails;

    @Autowired
    UserService users;

    private final HttpClient browser = HttpClient.newBuilder()
            .cookieHandler(new java.net.CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Test
    void healthIsOpenAndSaysTheDatabaseIsUpButHidesDetailsFromAnonymous() throws Exception {
        HttpResponse<String> response = get("/actuator/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = json.readTree(response.body());
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.has("components")).isFalse();
    }

    @Test
    void anAdminLoggedInThroughTheLoginFormSeesHealthDetailsWithTheDatabase() throws Exception {
        HttpResponse<String> login = logIn(ConsoleTest.ADMIN_USERNAME, ConsoleTest.ADMIN_PASSWORD);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).get().asString().doesNotContain("error");

        JsonNode health = json.readTree(get("/actuator/health").body());

        assertThat(health.at("/components/db/status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/db/details/database").asText()).isEqualTo("PostgreSQL");
    }

    @Test
    void aViewerLoggedInSeesHealthWithoutDetails() throws Exception {
        TestUsers.ensure(userDetails, users, "health-viewer", Role.VIEWER);
        assertThat(logIn("health-viewer", TestUsers.PASSWORD).headers().firstValue("Location")).get().asString()
                .doesNotContain("error");

        JsonNode health = json.readTree(get("/actuator/health").body());

        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.has("components")).isFalse();
    }

    @Test
    void aWrongPasswordGoesBackToTheLoginViewWithAnError() throws Exception {
        HttpResponse<String> login = logIn(ConsoleTest.ADMIN_USERNAME, "wrong-password");

        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).get().asString().endsWith("/login?error");
    }

    @Test
    void theLoginPageIsOpenAndViewsAreNot() throws Exception {
        assertThat(get("/login").statusCode()).isEqualTo(200);

        HttpResponse<String> settings = get("/settings");
        assertThat(settings.statusCode()).isEqualTo(302);
        assertThat(settings.headers().firstValue("Location")).get().asString().endsWith("/login");
    }

    private HttpResponse<String> logIn(String username, String password) throws Exception {
        String page = get("/login").body();
        return browser.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(LoginPage.formBody(page, username, password)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}

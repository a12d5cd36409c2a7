package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import memberstream.ConsoleTest;
import memberstream.TestUsers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * Readiness as a script sees it: {@code /actuator/health/readiness} is open and UP once the console
 * can be used, and an admin sees what it is made of: the first admin, the database, and the disk of
 * the data directory (not of the working directory).
 */
@ConsoleTest
class HealthReadinessTest {

    private static final String ADMIN = "health-readiness-admin";

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    UserService users;

    @Autowired
    UserDetailsService userDetails;

    @Autowired
    FirstAdminInitializer firstAdmin;

    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void readinessAndLivenessAreOpenAndUpOnceTheFirstAdminIsInForce() throws Exception {
        assertThat(firstAdmin.done()).isTrue();
        for (String path : new String[] {"/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(json.readTree(response.body()).get("status").asText()).as(path).isEqualTo("UP");
        }
    }

    @Test
    void anAdminSeesReadinessMadeOfTheFirstAdminTheDatabaseAndTheDataDirectorysDisk() throws Exception {
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
        String page = get("/login").body();
        browser.send(HttpRequest.newBuilder(uri("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(LoginPage.formBody(page, ADMIN, TestUsers.PASSWORD)))
                .build(), HttpResponse.BodyHandlers.ofString());

        JsonNode readiness = json.readTree(get("/actuator/health/readiness").body());

        assertThat(readiness.at("/components/firstAdmin/status").asText()).isEqualTo("UP");
        assertThat(readiness.at("/components/db/status").asText()).isEqualTo("UP");
        assertThat(readiness.at("/components/readinessState/status").asText()).isEqualTo("UP");
        assertThat(readiness.at("/components/diskSpace/status").asText()).isEqualTo("UP");
        Path checked = Path.of(readiness.at("/components/diskSpace/details/path").asText()).toAbsolutePath().normalize();
        assertThat(checked).isEqualTo(Path.of("target/test-data/console").toAbsolutePath().normalize());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}

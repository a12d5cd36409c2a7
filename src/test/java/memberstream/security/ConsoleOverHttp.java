package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import memberstream.TestUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * What the security tests over real HTTP share: the {@link JumpingClockConsole} (frozen at the start of
 * each test, no login failures counted yet), new users with unique names, HTTP Basic, bearer tokens and
 * a browser-like client that posts the login form.
 */
@JumpingClockConsole
abstract class ConsoleOverHttp {

    @LocalServerPort
    int port;

    @Autowired
    JumpingClock clock;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ObjectMapper json;

    @Autowired
    UserDetailsService userDetails;

    @Autowired
    UserService users;

    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void noFailuresYet() {
        jdbc.update("delete from login_failures");
        clock.freeze();
    }

    @AfterEach
    void timeMovesOn() {
        clock.thaw();
        SecurityContextHolder.clearContext();
    }

    /** A new user named {@code prefix-<random>} with {@link TestUsers#PASSWORD}. */
    String newUser(String prefix, Role role) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        TestUsers.ensure(userDetails, users, name, role);
        return name;
    }

    /** GET /api/settings with HTTP Basic. */
    HttpResponse<String> basic(String username, String password) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(uri("/api/settings"))
                .header("Authorization", "Basic " + credentials).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A client that keeps cookies, as a browser does, and shows redirects instead of following them. */
    static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Posts the login form as a browser would and answers where it redirects to. */
    String logIn(HttpClient browser, String username, String password) throws Exception {
        String page = browser.send(HttpRequest.newBuilder(uri("/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<Void> response = browser.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(LoginPage.formBody(page, username, password)))
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}

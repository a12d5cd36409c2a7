package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import memberstream.ConsoleTest;
import memberstream.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * The login form is not a door for other origins (the case: a form posted from another
 * origin logged in), and what the console sends tells the browser to keep it that way: the session
 * cookie is SameSite=Lax and HttpOnly, every page carries a Content-Security-Policy, Referrer-Policy,
 * nosniff and a ban on framing. Real HTTP, cookies kept, redirects not followed.
 */
@ConsoleTest
class ConsoleHeadersAndCsrfTest {

    // Own admin: other tests in the shared context may change the first admin's password.
    private static final String ADMIN = "csrf-test-admin";

    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    @Autowired
    UserDetailsService userDetails;

    @BeforeEach
    void adminExists() {
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
    }

    private final HttpClient browser = newBrowser();

    @Test
    void aLoginFormPostedWithoutTheTokenDoesNotLogIn() throws Exception {
        get(browser, "/login");

        HttpResponse<String> login = postLogin(browser, "username=" + ADMIN + "&password="
                + TestUsers.PASSWORD, "http://evil.example");

        assertNotLoggedIn(browser, login);
    }

    @Test
    void aCrossSitePostFromABrowserThatNeverLoadedTheLoginPageDoesNotLogIn() throws Exception {
        HttpResponse<String> login = postLogin(browser, "username=" + ADMIN + "&password="
                + TestUsers.PASSWORD + "&_csrf=anything", "http://evil.example");

        assertNotLoggedIn(browser, login);
    }

    @Test
    void aTokenFromAnotherBrowsersPageDoesNotLogIn() throws Exception {
        HttpClient attacker = newBrowser();
        String attackersPage = get(attacker, "/login").body();
        get(browser, "/login");

        HttpResponse<String> login = postLogin(browser, LoginPage.formBody(attackersPage, ADMIN,
                TestUsers.PASSWORD), "http://evil.example");

        assertNotLoggedIn(browser, login);
    }

    @Test
    void theLoginPagesOwnFormWithItsTokenLogsIn() throws Exception {
        String page = get(browser, "/login").body();

        HttpResponse<String> login = postLogin(browser,
                LoginPage.formBody(page, ADMIN, TestUsers.PASSWORD), null);

        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).get().asString().doesNotContain("login");
        assertThat(get(browser, "/settings").statusCode()).isEqualTo(200);
    }

    @Test
    void theSessionCookieIsSameSiteLaxAndHttpOnly() throws Exception {
        HttpResponse<String> page = get(newBrowser(), "/login");

        List<String> cookies = page.headers().allValues("Set-Cookie");
        assertThat(cookies).anySatisfy(cookie -> assertThat(cookie).startsWith("JSESSIONID=")
                .containsIgnoringCase("SameSite=Lax").containsIgnoringCase("HttpOnly"));
    }

    @Test
    void pagesCarryAPolicyThatKeepsOtherOriginsOut() throws Exception {
        for (String path : List.of("/login", "/actuator/health")) {
            HttpResponse<String> page = get(browser, path);

            String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).as(path).contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                    "form-action 'self'");
            assertThat(page.headers().firstValue("Referrer-Policy")).as(path).contains("same-origin");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(page.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
        }
    }

    @Test
    void apiAnswersCarryAPolicyThatAllowsNothing() throws Exception {
        HttpResponse<String> answer = get(browser, "/api/members");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Security-Policy")).contains(
                "default-src 'none'; frame-ancestors 'none'");
        assertThat(answer.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(answer.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    private void assertNotLoggedIn(HttpClient client, HttpResponse<String> login) throws Exception {
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).get().asString().endsWith("/login");
        HttpResponse<String> settings = get(client, "/settings");
        assertThat(settings.statusCode()).isEqualTo(302);
        assertThat(settings.headers().firstValue("Location")).get().asString().endsWith("/login");
    }

    private HttpResponse<String> postLogin(HttpClient client, String form, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpClient newBrowser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }
}

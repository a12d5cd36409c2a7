package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import memberstream.TestUsers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Users changed by an admin, seen over real HTTP at once: a disabled user's password, API token and
 * console session stop working, a new role ends the session, a reset password replaces the old one;
 * the last enabled admin and the admin themself are protected; every change is audited.
 */
class UserAdministrationTest extends ConsoleOverHttp {

    @Autowired
    ApiTokenService tokens;

    @Test
    void aDisabledUserLosesPasswordTokenAndSessionAtOnceAndGetsThemBackWhenEnabled() throws Exception {
        String user = newUser("disabled", Role.VIEWER);
        String token = token(user);
        HttpClient browser = browser();
        logIn(browser, user, TestUsers.PASSWORD);
        assertThat(page(browser, "/").statusCode()).isEqualTo(200);

        TestUsers.runAsAdmin(() -> users.setEnabled(user, false));

        HttpResponse<String> byPassword = basic(user, TestUsers.PASSWORD);
        assertThat(byPassword.statusCode()).isEqualTo(401);
        assertThat(json.readTree(byPassword.body()).get("detail").asText()).contains("disabled");
        HttpResponse<String> byToken = send(token, "GET", "/api/settings", null);
        assertThat(byToken.statusCode()).isEqualTo(401);
        assertThat(json.readTree(byToken.body()).get("detail").asText()).contains("disabled");
        HttpResponse<String> session = page(browser, "/");
        assertThat(session.statusCode()).isEqualTo(302);
        assertThat(session.headers().firstValue("Location")).get().asString().endsWith("/login");
        assertThat(logIn(browser(), user, TestUsers.PASSWORD)).contains("/login?error");
        // a wrong password says nothing about the account being disabled
        assertThat(json.readTree(basic(user, "not-the-password").body()).get("detail").asText())
                .doesNotContain("disabled");

        TestUsers.runAsAdmin(() -> users.setEnabled(user, true));

        assertThat(basic(user, TestUsers.PASSWORD).statusCode()).isEqualTo(200);
        assertThat(send(token, "GET", "/api/settings", null).statusCode()).isEqualTo(200);
    }

    @Test
    void anotherRoleEndsTheSessionAndApiCallsGetTheNewRoleAtOnce() throws Exception {
        String user = newUser("promoted", Role.VIEWER);
        String token = token(user);
        HttpClient browser = browser();
        logIn(browser, user, TestUsers.PASSWORD);
        assertThat(send(token, "POST", "/api/members", "{}").statusCode()).isEqualTo(403);

        TestUsers.runAsAdmin(() -> users.changeRole(user, Role.ADMIN));

        assertThat(page(browser, "/").statusCode()).isEqualTo(302);
        assertThat(send(token, "POST", "/api/members", "{}").statusCode()).isEqualTo(400);
        HttpClient again = browser();
        logIn(again, user, TestUsers.PASSWORD);
        assertThat(page(again, "/users").statusCode()).isEqualTo(200);
    }

    @Test
    void aDeletedUserIsGoneWithItsTokensAndAResetPasswordReplacesTheOldOne() throws Exception {
        String deleted = newUser("deleted", Role.VIEWER);
        String token = token(deleted);
        String reset = newUser("reset", Role.VIEWER);
        AtomicReference<String> newPassword = new AtomicReference<>();

        TestUsers.runAsAdmin(() -> {
            users.delete(deleted);
            newPassword.set(users.resetPassword(reset));
        });

        assertThat(basic(deleted, TestUsers.PASSWORD).statusCode()).isEqualTo(401);
        assertThat(send(token, "GET", "/api/settings", null).statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject("select count(*) from api_tokens t join users u on u.id = t.user_id "
                + "where u.username = ?", Integer.class, deleted)).isZero();
        assertThat(newPassword.get()).hasSize(20).isNotEqualTo(TestUsers.PASSWORD);
        assertThat(basic(reset, TestUsers.PASSWORD).statusCode()).isEqualTo(401);
        assertThat(basic(reset, newPassword.get()).statusCode()).isEqualTo(200);
        TestUsers.runAsAdmin(() -> assertThat(users.recentChanges(20))
                .extracting(UserChange::username, UserChange::action, UserChange::actor)
                .contains(org.assertj.core.groups.Tuple.tuple(deleted, "deleted", "test-setup"),
                        org.assertj.core.groups.Tuple.tuple(reset, "password reset", "test-setup")));
    }

    @Test
    void anAdminCannotRemoveThemselfNorTheLastEnabledAdmin() {
        String admin = newUser("sole-admin", Role.ADMIN);
        List<String> others = jdbc.queryForList("select username from users where role = 'ADMIN' and enabled "
                + "and username <> ?", String.class, admin);
        try {
            jdbc.update("update users set enabled = false where role = 'ADMIN' and username <> ?", admin);
            runAs(admin, () -> {
                assertThatThrownBy(() -> users.setEnabled(admin, false)).isInstanceOf(UserChangeRefusedException.class)
                        .hasMessageContaining("another admin can");
                assertThatThrownBy(() -> users.changeRole(admin, Role.VIEWER))
                        .isInstanceOf(UserChangeRefusedException.class);
                assertThatThrownBy(() -> users.delete(admin)).isInstanceOf(UserChangeRefusedException.class);
            });
            TestUsers.runAsAdmin(() -> {
                assertThatThrownBy(() -> users.setEnabled(admin, false)).isInstanceOf(UserChangeRefusedException.class)
                        .hasMessageContaining("last enabled admin");
                assertThatThrownBy(() -> users.changeRole(admin, Role.VIEWER))
                        .hasMessageContaining("last enabled admin");
                assertThatThrownBy(() -> users.delete(admin)).hasMessageContaining("last enabled admin");
            });
        } finally {
            for (String other : others) {
                jdbc.update("update users set enabled = true where username = ?", other);
            }
        }
        TestUsers.runAsAdmin(() -> users.changeRole(admin, Role.VIEWER));
        assertThat(jdbc.queryForObject("select role from users where username = ?", String.class, admin))
                .isEqualTo("VIEWER");
    }

    @Test
    void everyoneChangesTheirOwnPasswordWithTheCurrentOne() throws Exception {
        String user = newUser("own-password", Role.VIEWER);
        runAs(user, () -> {
            assertThatThrownBy(() -> users.changeOwnPassword("wrong", "a-new-long-password"))
                    .hasMessageContaining("current password");
            assertThatThrownBy(() -> users.changeOwnPassword(TestUsers.PASSWORD, "short"))
                    .hasMessageContaining("12 to 72");
            users.changeOwnPassword(TestUsers.PASSWORD, "a-new-long-password");
        });

        assertThat(basic(user, "a-new-long-password").statusCode()).isEqualTo(200);
        assertThat(basic(user, TestUsers.PASSWORD).statusCode()).isEqualTo(401);
    }

    private String token(String user) {
        AtomicReference<String> token = new AtomicReference<>();
        TestUsers.runAsAdmin(() -> token.set(tokens.create(user, null).token()));
        return token.get();
    }

    private HttpResponse<String> page(HttpClient browser, String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void runAs(String username, Runnable action) {
        var before = SecurityContextHolder.getContext();
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(username, null,
                List.of(new SimpleGrantedAuthority(Role.ADMIN.authority()))));
        SecurityContextHolder.setContext(context);
        try {
            action.run();
        } finally {
            SecurityContextHolder.setContext(before);
        }
    }
}

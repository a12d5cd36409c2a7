package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import memberstream.TestUsers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Pageable;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/** API tokens over real HTTP: the bearer header, roles, revocation, wrong tokens, the last-used stamp. */
class ApiTokenTest extends ConsoleOverHttp {

    private static final String MEMBER = """
            {"fullName": "Token Tester", "email": "%s@example.org", "role": "MEMBER", "status": "ACTIVE", "joinedOn": "2024-03-01"}""";

    @Autowired
    ApiTokenService tokens;

    @Test
    void aTokenActsAsItsUserWithThatUsersRole() throws Exception {
        String admin = newUser("token-admin", Role.ADMIN);
        String viewer = newUser("token-viewer", Role.VIEWER);
        String adminToken = create(admin, "deploy script").token();
        String viewerToken = create(viewer, null).token();

        assertThat(adminToken).startsWith("mst_").hasSize(47);
        assertThat(send(viewerToken, "GET", "/api/settings", null).statusCode()).isEqualTo(200);
        assertThat(send(viewerToken, "POST", "/api/members", MEMBER.formatted("viewer-" + UUID.randomUUID()))
                .statusCode()).isEqualTo(403);
        HttpResponse<String> created = send(adminToken, "POST", "/api/members",
                MEMBER.formatted("admin-" + UUID.randomUUID()));
        assertThat(created.statusCode()).isEqualTo(201);
    }

    @Test
    void theTokenIsStoredOnlyAsItsHash() {
        NewApiToken created = create(newUser("hashed", Role.VIEWER), "hash check");

        assertThat(jdbc.queryForObject("select token_hash from api_tokens where id = ?", String.class,
                created.summary().id())).isEqualTo(ApiTokens.hash(created.token())).doesNotContain(created.token());
        assertThat(jdbc.queryForObject("select count(*) from api_tokens where token_hash like ?", Integer.class,
                "%" + created.token().substring(4, 20) + "%")).isZero();
    }

    @Test
    void aRevokedTokenIsRefused() throws Exception {
        NewApiToken created = create(newUser("revoked", Role.VIEWER), "soon revoked");
        assertThat(send(created.token(), "GET", "/api/settings", null).statusCode()).isEqualTo(200);

        TestUsers.runAsAdmin(() -> tokens.revoke(created.summary().id()));

        HttpResponse<String> refused = send(created.token(), "GET", "/api/settings", null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).get().asString().contains("invalid_token");
        assertThat(json.readTree(refused.body()).get("status").asInt()).isEqualTo(401);
        TestUsers.runAsAdmin(() -> assertThat(tokens.list(Pageable.ofSize(1000)))
                .extracting(ApiTokenSummary::id).doesNotContain(created.summary().id()));
    }

    @Test
    void wrongTokensAreRefusedAndCountAgainstTheAddress() throws Exception {
        String good = create(newUser("still-good", Role.VIEWER), null).token();
        for (int failure = 1; failure <= 20; failure++) {
            String wrong = "mst_" + "A".repeat(42) + (char) ('a' + failure % 26);
            assertThat(send(wrong, "GET", "/api/settings", null).statusCode()).isEqualTo(401);
        }
        assertThat(send("not a token at all", "GET", "/api/settings", null).statusCode()).isEqualTo(429);

        // a valid token proves its secret and is not throttled; a password login from here waits
        assertThat(send(good, "GET", "/api/settings", null).statusCode()).isEqualTo(200);
        String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:test-admin-password")
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> password = http.send(HttpRequest.newBuilder(uri("/api/settings"))
                .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(password.statusCode()).isEqualTo(429);
        assertThat(password.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void theLastUseIsStampedAtMostOnceAMinute() throws Exception {
        NewApiToken created = create(newUser("used", Role.VIEWER), "used");
        assertThat(created.summary().lastUsedAt()).isNull();

        send(created.token(), "GET", "/api/settings", null);
        Instant first = lastUsed(created);
        assertThat(first).isNotNull().isCloseTo(clock.instant(), within(Duration.ofSeconds(10)));

        clock.jump(Duration.ofSeconds(30));
        send(created.token(), "GET", "/api/settings", null);
        assertThat(lastUsed(created)).isEqualTo(first);

        clock.jump(Duration.ofSeconds(31));
        send(created.token(), "GET", "/api/settings", null);
        assertThat(lastUsed(created)).isAfter(first.plusSeconds(60));
    }

    @Test
    void onlyAdminsManageTokensAndOnlyForExistingUsers() {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "a-viewer", null, AuthorityUtils.createAuthorityList(Role.VIEWER.authority())));
        assertThatThrownBy(() -> tokens.create("admin", "mine now")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> tokens.list(Pageable.ofSize(10))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> tokens.revoke(1)).isInstanceOf(AccessDeniedException.class);
        SecurityContextHolder.clearContext();

        TestUsers.runAsAdmin(() -> {
            assertThatThrownBy(() -> tokens.create("nobody-" + UUID.randomUUID(), null))
                    .isInstanceOf(UsernameNotFoundException.class);
            assertThatThrownBy(() -> tokens.create("admin", "x".repeat(65)))
                    .isInstanceOf(IllegalArgumentException.class);
        });
    }

    private static org.assertj.core.data.TemporalUnitOffset within(Duration duration) {
        return new org.assertj.core.data.TemporalUnitWithinOffset(duration.toMillis(), java.time.temporal.ChronoUnit.MILLIS);
    }

    private Instant lastUsed(NewApiToken token) {
        AtomicReference<Instant> lastUsed = new AtomicReference<>();
        TestUsers.runAsAdmin(() -> lastUsed.set(tokens.list(Pageable.ofSize(1000)).stream()
                .filter(summary -> summary.id() == token.summary().id()).findFirst().orElseThrow().lastUsedAt()));
        return lastUsed.get();
    }

    private NewApiToken create(String username, String name) {
        AtomicReference<NewApiToken> created = new AtomicReference<>();
        TestUsers.runAsAdmin(() -> created.set(tokens.create(username, name)));
        return created.get();
    }
}

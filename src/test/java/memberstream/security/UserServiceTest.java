package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import memberstream.ConsoleTest;
import memberstream.TestUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Pageable;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

@ConsoleTest
class UserServiceTest {

    @Autowired
    UserService users;

    @AfterEach
    void nobody() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aViewerCanNeitherListNorAddUsers() {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "a-viewer", null, AuthorityUtils.createAuthorityList(Role.VIEWER.authority())));

        assertThatThrownBy(() -> users.list(Pageable.ofSize(10))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> users.add(new NewUser("sneaky", "long-enough-password", Role.ADMIN)))
                .isInstanceOf(AccessDeniedException.class);
        TestUsers.runAsAdmin(() -> assertThat(users.list(Pageable.ofSize(1000)))
                .extracting(UserSummary::username).doesNotContain("sneaky"));
    }

    @Test
    void namesAreUniqueRegardlessOfCase() {
        TestUsers.runAsAdmin(() -> {
            users.add(new NewUser("Erin", "long-enough-password", Role.VIEWER));

            assertThatThrownBy(() -> users.add(new NewUser("erin", "long-enough-password", Role.ADMIN)))
                    .isInstanceOf(UsernameTakenException.class);
        });
    }
}

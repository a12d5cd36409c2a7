package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import memberstream.ConsoleTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Pageable;
import org.springframework.security.test.context.support.WithMockUser;

/** {@code @WithMockUser} reaches method security in a {@link ConsoleTest}. */
@ConsoleTest
class MockUserSupportTest {

    @Autowired
    UserService users;

    @Test
    @WithMockUser(username = "mock-admin", roles = "ADMIN")
    void aMockAdminPassesMethodSecurity() {
        assertThat(users.list(Pageable.ofSize(1000))).extracting(UserSummary::username)
                .contains(ConsoleTest.ADMIN_USERNAME);
    }
}

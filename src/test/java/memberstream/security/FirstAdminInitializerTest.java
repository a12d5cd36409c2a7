package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import memberstream.ConsoleTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first admin against the real users table. Each test runs in a transaction that is rolled
 * back, so it may empty the table without disturbing the other tests sharing the database.
 */
@ConsoleTest
@Transactional
@ExtendWith(OutputCaptureExtension.class)
class FirstAdminInitializerTest {

    private static final Pattern PRINTED_PASSWORD = Pattern.compile("password: (\\S+)");

    @Autowired
    UserRepository users;

    @Autowired
    PasswordEncoder passwordEncoder;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    Clock clock;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void withoutAConfiguredPasswordOneIsGeneratedPrintedOnceAndStoredHashed(CapturedOutput output) {
        users.deleteAll();

        initializer("boss", null).ensureAdmin();

        Matcher printed = PRINTED_PASSWORD.matcher(output.getAll());
        assertThat(printed.find()).isTrue();
        String password = printed.group(1);
        assertThat(password).hasSize(20);
        UserAccount admin = users.findByUsernameIgnoringCase("boss").orElseThrow();
        assertThat(admin.role()).isEqualTo(Role.ADMIN);
        assertThat(admin.passwordHash()).isNotEqualTo(password).startsWith("$2");
        assertThat(passwordEncoder.matches(password, admin.passwordHash())).isTrue();

        initializer("boss", null).ensureAdmin();
        assertThat(PRINTED_PASSWORD.matcher(output.getAll()).results().count()).isEqualTo(1);
        assertThat(users.count()).isEqualTo(1);
    }

    @Test
    void aConfiguredPasswordIsUsedAndNeverPrinted(CapturedOutput output) {
        users.deleteAll();

        initializer("root", "configured-secret-1").ensureAdmin();

        UserAccount admin = users.findByUsernameIgnoringCase("root").orElseThrow();
        assertThat(passwordEncoder.matches("configured-secret-1", admin.passwordHash())).isTrue();
        assertThat(output.getAll()).doesNotContain("configured-secret-1").doesNotContain("generated password");
    }

    @Test
    void aConfiguredPasswordWinsOverTheStoredOneOfAnExistingAdmin() {
        assertThat(users.findByUsernameIgnoringCase(ConsoleTest.ADMIN_USERNAME)).isPresent();

        initializer(ConsoleTest.ADMIN_USERNAME, "recovered-password").ensureAdmin();

        UserAccount admin = users.findByUsernameIgnoringCase(ConsoleTest.ADMIN_USERNAME).orElseThrow();
        assertThat(passwordEncoder.matches("recovered-password", admin.passwordHash())).isTrue();
    }

    @Test
    void existingUsersAreLeftAloneWithoutAConfiguredPassword(CapturedOutput output) {
        long before = users.count();

        initializer("someone-new", null).ensureAdmin();

        assertThat(users.count()).isEqualTo(before);
        assertThat(users.findByUsernameIgnoringCase("someone-new")).isEmpty();
        assertThat(output.getAll()).doesNotContain("generated password");
    }

    private FirstAdminInitializer initializer(String username, String password) {
        return new FirstAdminInitializer(new AdminProperties(username, password), users, passwordEncoder,
                transaction, jdbc, clock);
    }
}

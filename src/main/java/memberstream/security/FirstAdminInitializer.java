package memberstream.security;

import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes sure someone can log in. When the users table is empty, creates the admin from
 * {@link AdminProperties}; without a configured password it generates one and prints it once
 * (only its hash is stored, so it cannot be shown again). When users exist and a password is
 * configured for an existing admin name, the configured password wins: that is how an operator
 * recovers a lost password.
 *
 * <p>Runs once every singleton exists and before the web server starts listening, so no request is
 * ever served before the admin exists or under the admin's old password; {@link #done()} then says so
 * to the readiness check ({@link FirstAdminHealthIndicator}).
 */
@Component
@Lazy(false)
class FirstAdminInitializer implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(FirstAdminInitializer.class);
    /** The advisory lock key of {@link #ensureAdmin} (any constant no other lock of ours uses). */
    static final long FIRST_ADMIN_LOCK = 0x4d53_4669_7273_7441L;
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final AdminProperties properties;
    private final UserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final TransactionTemplate transaction;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile boolean done;

    FirstAdminInitializer(AdminProperties properties, UserRepository users, PasswordEncoder passwordEncoder,
            TransactionTemplate transaction, JdbcTemplate jdbc, Clock clock) {
        this.properties = properties;
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.transaction = transaction;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void afterSingletonsInstantiated() {
        transaction.executeWithoutResult(status -> ensureAdmin());
        done = true;
    }

    /** True once the admin exists with the configured password (committed). */
    boolean done() {
        return done;
    }

    /**
     * Consoles starting together on one empty database take turns (a transaction-scoped advisory lock),
     * so exactly one creates the first admin and the others find it.
     */
    void ensureAdmin() {
        jdbc.queryForList("select pg_advisory_xact_lock(?)", Object.class, FIRST_ADMIN_LOCK);
        if (users.count() == 0) {
            createFirstAdmin();
        } else if (properties.hasPassword()) {
            applyConfiguredPassword();
        }
    }

    private void createFirstAdmin() {
        boolean generated = !properties.hasPassword();
        String password = generated ? generatePassword() : properties.password();
        String hash = passwordEncoder.encode(password);
        users.save(new UserAccount(properties.username(), hash, Role.ADMIN, clock.instant()));
        if (generated) {
            log.warn("""

                    ====================================================================
                      Memberstream created the first admin with a generated password.
                      username: {}
                      password: {}
                      It is shown only this once and stored hashed. Log in, then add
                      users under Users. To choose the password instead, set
                      MEMBERSTREAM_ADMIN_PASSWORD (memberstream.admin.password).
                    ====================================================================""",
                    properties.username(), password);
        } else {
            log.info("Created the first admin '{}' with the configured password", properties.username());
        }
    }

    private void applyConfiguredPassword() {
        users.findByUsernameIgnoringCase(properties.username())
                .filter(admin -> admin.role() == Role.ADMIN)
                .filter(admin -> !passwordEncoder.matches(properties.password(), admin.passwordHash()))
                .ifPresent(admin -> {
                    admin.changePasswordHash(passwordEncoder.encode(properties.password()));
                    log.info("Set the password of admin '{}' from memberstream.admin.password", admin.username());
                });
    }

    private String generatePassword() {
        StringBuilder password = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}

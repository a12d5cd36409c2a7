package memberstream;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The whole console on a random port over a real embedded PostgreSQL. Every class annotated with
 * exactly this shares one cached Spring context (and one database), so tests must not assume empty
 * tables: use unique names and assert on what the test itself created. The data directory is
 * emptied when the context starts ({@link FreshTestDataDirectory}), so each run begins from nothing.
 *
 * <p>The first admin is {@link #ADMIN_USERNAME} / {@link #ADMIN_PASSWORD}. Before each test the
 * security context (empty, or what {@code @WithMockUser} set) is bound to this context's strategy
 * ({@link ThisContextsSecurity}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "memberstream.data-dir=target/test-data/console",
        "memberstream.engine.port=0",
        "memberstream.admin.username=" + ConsoleTest.ADMIN_USERNAME,
        "memberstream.admin.password=" + ConsoleTest.ADMIN_PASSWORD,
})
@ExtendWith(ThisContextsSecurity.class)
public @interface ConsoleTest {
    String ADMIN_USERNAME = "admin";
    String ADMIN_PASSWORD = "test-admin-password";
}

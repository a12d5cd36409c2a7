package memberstream.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import memberstream.ConsoleTest;
import memberstream.ThisContextsSecurity;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;

/**
 * Like {@link ConsoleTest}, but with a {@link JumpingClock} as the console's clock, on a database of
 * its own ({@code target/test-data/logins}): lockouts are skipped by jumping ahead, and the tests'
 * failed logins from 127.0.0.1 stay out of the shared console's counters. Classes annotated with
 * exactly this share one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "memberstream.data-dir=target/test-data/logins",
        "memberstream.engine.port=0",
        "memberstream.admin.username=" + ConsoleTest.ADMIN_USERNAME,
        "memberstream.admin.password=" + ConsoleTest.ADMIN_PASSWORD,
})
@Import(JumpingClock.AsTheConsolesClock.class)
@ExtendWith(ThisContextsSecurity.class)
@interface JumpingClockConsole {
}

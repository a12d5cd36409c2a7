package memberstream.base;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one {@link Clock} of the console. Everything that stamps or compares time takes it by injection,
 * so tests can fix or advance time instead of sleeping. Other features inject it; don't declare another.
 */
@Configuration(proxyBeanMethods = false)
class ClockConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}

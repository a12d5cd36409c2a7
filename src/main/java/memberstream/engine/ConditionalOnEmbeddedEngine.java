package memberstream.engine;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Marks the engine's Spring configuration: it runs when {@code memberstream.aws.mode} is {@code embedded}
 * (the default). Every engine service's configuration carries it too.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@ConditionalOnProperty(name = "memberstream.aws.mode", havingValue = "embedded", matchIfMissing = true)
public @interface ConditionalOnEmbeddedEngine {
}

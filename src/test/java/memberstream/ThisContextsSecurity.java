package memberstream;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Points Spring Security's static {@link SecurityContextHolder} at the strategy bean of the test's
 * own context before each test. Vaadin installs its own strategy object per application context,
 * and the last context started in the JVM wins the static slot; method security, however, reads
 * the strategy of the context it was built in. Without this, a test that logs in through
 * {@code SecurityContextHolder} can write where its services never look, once another test class
 * has started a different context.
 */
public class ThisContextsSecurity implements BeforeEachCallback {

    @Override
    public void beforeEach(ExtensionContext extension) {
        SecurityContext current = SecurityContextHolder.getContext();
        SecurityContextHolderStrategy own = SpringExtension.getApplicationContext(extension)
                .getBeanProvider(SecurityContextHolderStrategy.class).getIfUnique();
        if (own == null) {
            return;
        }
        SecurityContextHolder.setContextHolderStrategy(own);
        // Spring Security's test support (@WithMockUser) may already have put its user in the context's
        // own strategy; otherwise carry over what the static slot held (another context's strategy).
        if (own.getContext().getAuthentication() == null) {
            SecurityContextHolder.setContext(current);
        }
    }
}

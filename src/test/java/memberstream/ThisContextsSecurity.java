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
        // carry over what Spring Security's test support (@WithMockUser) has just set up, if anything
        SecurityContext current = SecurityContextHolder.getContext();
        if (current.getAuthentication() == null) {
            // @WithMockUser keeps its own copy: the static slot may have moved to another context's strategy
            current = org.springframework.security.test.context.TestSecurityContextHolder.getContext();
        }
        SpringExtension.getApplicationContext(extension)
                .getBeanProvider(SecurityContextHolderStrategy.class)
                .ifUnique(SecurityContextHolder::setContextHolderStrategy);
        SecurityContextHolder.setContext(current);
    }
}

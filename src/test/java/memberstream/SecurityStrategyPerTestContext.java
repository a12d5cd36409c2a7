package memberstream;

import org.springframework.core.Ordered;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Before each test, points the JVM-wide {@link SecurityContextHolder} at the strategy of the test's own
 * Spring context. Vaadin's security configuration installs a new strategy globally whenever a context
 * starts, while the security beans of contexts already cached keep the strategy they were built with;
 * so after a second context (other properties) starts, a test on the first one would set its login
 * where that context's method security never looks ("An Authentication object was not found"), and the
 * outcome would depend on the order test classes happen to run in. Registered in META-INF/spring.factories.
 */
public class SecurityStrategyPerTestContext implements TestExecutionListener, Ordered {

    @Override
    public void prepareTestInstance(TestContext testContext) {
        useStrategyOf(testContext);
    }

    @Override
    public void beforeTestMethod(TestContext testContext) {
        useStrategyOf(testContext);
    }

    private static void useStrategyOf(TestContext testContext) {
        if (!testContext.hasApplicationContext()) {
            return;
        }
        testContext.getApplicationContext().getBeanProvider(SecurityContextHolderStrategy.class)
                .ifUnique(strategy -> {
                    if (SecurityContextHolder.getContextHolderStrategy() != strategy) {
                        SecurityContextHolder.setContextHolderStrategy(strategy);
                    }
                });
    }

    /** After dependency injection (2000) has loaded the context; before @WithMockUser's listener (10000). */
    @Override
    public int getOrder() {
        return 2500;
    }
}

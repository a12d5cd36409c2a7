package memberstream.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Builds the engine (its lazy {@link EngineServer} bean and, through it, the routes and their stores,
 * log replay included) on a thread of its own, starting as soon as this bean is created, while the
 * context's main thread goes on with the console's other beans. Once every singleton is there, the
 * main thread waits for the engine, and a failure to start it (say, its port is taken) fails the
 * context as before. Thread-safety: the future is written once, before the thread starts.
 */
final class EngineStarter implements InitializingBean, SmartInitializingSingleton {

    private final BeanFactory beanFactory;
    private final CompletableFuture<EngineServer> started = new CompletableFuture<>();

    EngineStarter(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void afterPropertiesSet() {
        Thread thread = new Thread(() -> {
            try {
                started.complete(beanFactory.getBean(EngineServer.class));
            } catch (Throwable failure) {
                started.completeExceptionally(failure);
            }
        }, "engine-start");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            started.join();
        } catch (CompletionException failure) {
            if (failure.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw failure;
        }
    }
}

package memberstream.base;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Starts the embedded PostgreSQL in the background as soon as the context's bean definitions are
 * known (a {@link BeanFactoryPostProcessor} runs before any other bean is made), so that its 1-2 s
 * of initdb or recovery overlap with building the web server, Vaadin and security instead of adding
 * to them. The data directory lock is taken first, in the caller's thread, so a second console on the
 * same directory still fails at once with the clear message. {@link EmbeddedPostgresConfiguration}'s
 * beans take the lock and the server from here ({@link #lock()}, {@link #postgres()}) and from then on
 * own them; whatever was not taken (the context failed before) is closed when this bean is destroyed.
 * Thread-safety: {@code postProcessBeanFactory} once, then any thread.
 */
final class EmbeddedPostgresStarter implements BeanFactoryPostProcessor, EnvironmentAware, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresStarter.class);

    private Environment environment;
    private DataDirectoryLock lock;
    private CompletableFuture<EmbeddedPostgres> postgres;
    private boolean lockTaken;
    private boolean postgresTaken;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public synchronized void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        Path dataDir = Binder.get(environment).bind("memberstream.data-dir", Path.class).orElse(Path.of("./data"));
        DataDirectoryLock acquired = DataDirectoryLock.acquire(dataDir);
        lock = acquired;
        postgres = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                postgres.complete(EmbeddedPostgresConfiguration.start(acquired));
            } catch (Throwable e) {
                postgres.completeExceptionally(e);
            }
        }, "embedded-postgres-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** The data directory lock; the caller closes it. */
    synchronized DataDirectoryLock lock() {
        lockTaken = true;
        return lock;
    }

    /** Waits for the server started in the background; the caller closes it. */
    EmbeddedPostgres postgres() throws IOException {
        CompletableFuture<EmbeddedPostgres> started;
        synchronized (this) {
            postgresTaken = true;
            started = postgres;
        }
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public synchronized void destroy() throws IOException {
        if (postgres != null && !postgresTaken) {
            try {
                postgres.get(60, TimeUnit.SECONDS).close();
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                log.warn("The embedded PostgreSQL started for a context that failed did not come up: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (lock != null && !lockTaken) {
            lock.close();
        }
    }
}

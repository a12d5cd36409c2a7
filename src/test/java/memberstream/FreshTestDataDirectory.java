package memberstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import memberstream.base.DataDirectoryLock;
import memberstream.base.DataDirectoryLock.DataDirectoryInUseException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.Environment;

/**
 * Test-only, picked up by component scanning in every test context: the context starts on an empty
 * {@code memberstream.data-dir} (embedded PostgreSQL, engine log, S3 files), emptied before any
 * bean is created. Test data directories under {@code target/} outlive a run; without this a
 * rerun would meet last run's rows and records, and Flyway would refuse a database migrated by a
 * different set of migrations. Only directories inside a {@code target} folder are ever emptied,
 * and never one that another context or process holds (its lock is taken first).
 * A test (or a console started from the test classpath) that must keep its data across restarts
 * sets {@code memberstream.test.fresh-data-dir=false} (the older name
 * {@code memberstream.test.fresh-database=false} works too).
 */
@Configuration(proxyBeanMethods = false)
class FreshTestDataDirectory {

    @Bean
    static BeanFactoryPostProcessor emptyTheTestDataDirectory() {
        return new Emptier();
    }

    /** PriorityOrdered: before the embedded PostgreSQL's own early start (EmbeddedPostgresStarter) takes the directory. */
    private static final class Emptier implements BeanFactoryPostProcessor, EnvironmentAware, PriorityOrdered {

        private Environment environment;

        @Override
        public void setEnvironment(Environment environment) {
            this.environment = environment;
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            String configured = environment.getProperty("memberstream.data-dir");
            boolean keep = "false".equals(environment.getProperty("memberstream.test.fresh-data-dir"))
                    || "false".equals(environment.getProperty("memberstream.test.fresh-database"));
            if (configured == null || keep) {
                return;
            }
            Path dir = Path.of(configured).toAbsolutePath().normalize();
            boolean underTarget = false;
            for (Path part : dir) {
                underTarget |= part.toString().equals("target");
            }
            if (!underTarget || !Files.isDirectory(dir)) {
                return;
            }
            try (DataDirectoryLock lock = DataDirectoryLock.acquire(dir)) {
                emptyExceptLock(dir);
            } catch (DataDirectoryInUseException inUse) {
                // leave it: the context's own lock will fail with the clear message
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void emptyExceptLock(Path dir) throws IOException {
            Path lockFile = dir.resolve(".lock");
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                    if (!path.equals(dir) && !path.equals(lockFile)) {
                        Files.delete(path);
                    }
                }
            }
        }
    }
}

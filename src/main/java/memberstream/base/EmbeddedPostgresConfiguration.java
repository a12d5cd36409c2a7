package memberstream.base;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * With no {@code spring.datasource.url}, the console runs its own PostgreSQL whose files live in
 * {@code <data-dir>/postgres}, so members survive a restart with nothing installed. The data
 * directory is locked first: a second instance on the same directory fails before touching it. Every
 * connection needs the password kept in {@code <data-dir>/postgres-password} (see
 * {@link EmbeddedPostgresAuthentication}).
 */
@Configuration(proxyBeanMethods = false)
@Profile("!engine")
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    /** Starts the server in the background while the rest of the context is built (issue 13). */
    @Bean
    static EmbeddedPostgresStarter embeddedPostgresStarter() {
        return new EmbeddedPostgresStarter();
    }

    @Bean(destroyMethod = "close")
    DataDirectoryLock dataDirectoryLock(EmbeddedPostgresStarter starter) {
        return starter.lock();
    }

    /** Depends on the lock bean so that the server is stopped before the lock is released. */
    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedPostgresStarter starter, DataDirectoryLock lock) throws IOException {
        return starter.postgres();
    }

    /** Runs in {@link EmbeddedPostgresStarter}'s thread, with the data directory locked. */
    static EmbeddedPostgres start(DataDirectoryLock lock) throws IOException {
        Path pgData = lock.directory().resolve("postgres");
        Files.createDirectories(pgData);
        OrphanedPostmaster.stopIfRunning(pgData);
        long started = System.nanoTime();
        EmbeddedPostgresAuthentication authentication = EmbeddedPostgresAuthentication.prepare(lock.directory(), pgData);
        EmbeddedPostgres postgres = authentication.configure(EmbeddedPostgres.builder())
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                // zonky's test-oriented defaults are fsync and synchronous_commit off; a console that promises
                // "nothing committed is lost" needs a commit to be on disk before it returns.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .start();
        authentication.secure(postgres);
        log.info("Embedded PostgreSQL up on port {} with data in {} ({} ms)",
                postgres.getPort(), pgData, (System.nanoTime() - started) / 1_000_000);
        return postgres;
    }

    @Bean
    DataSource dataSource(EmbeddedPostgres postgres, DataDirectoryLock lock) {
        return DataSourceBuilder.create()
                .url("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres")
                .username("postgres")
                .password(EmbeddedPostgresAuthentication.storedPassword(lock.directory()))
                .build();
    }
}

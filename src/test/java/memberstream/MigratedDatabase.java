package memberstream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Test-only: a throw-away embedded PostgreSQL (zonky's defaults: a new temporary data directory, a free
 * port, the {@code postgres} database) migrated by the project's own Flyway migrations
 * ({@code classpath:db/migration}), for tests that check SQL without a Spring context. Close it to stop
 * the server and delete its data directory: a test class keeps it in a static {@code @AutoClose} field
 * set in {@code @BeforeAll}, so JUnit closes it after the class's last test (and skips a field left null
 * by a failed start, which has closed what it started itself).
 *
 * <p>{@link #jdbc()} and {@link #dataSource()} share one connection that is kept open until
 * {@link #close()}: a {@code set ...} a test runs (plan_cache_mode, enable_indexscan, statement_timeout)
 * applies to every later statement, as it does on the console's own connection. Flyway migrates on
 * connections of its own.
 *
 * <p>Thread-safety: not thread-safe. The shared connection serves one statement at a time, so use an
 * instance from one thread at a time (JUnit's {@code @BeforeAll}, tests and {@code @AfterAll} of one class
 * run one after another); tests that need concurrent connections need a pool of their own.
 */
public final class MigratedDatabase implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final SingleConnectionDataSource dataSource;
    private final JdbcTemplate jdbc;

    private MigratedDatabase(EmbeddedPostgres postgres, SingleConnectionDataSource dataSource) {
        this.postgres = postgres;
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** A new server with every migration applied. */
    public static MigratedDatabase start() throws IOException, SQLException {
        MigratedDatabase database = startEmpty();
        database.migrateTo(null);
        return database;
    }

    /**
     * A new server migrated up to and including {@code version} only, for a test that fills tables the way
     * an installation upgrading with its data would, then runs the rest with {@link #migrate()}.
     */
    public static MigratedDatabase startAt(String version) throws IOException, SQLException {
        MigratedDatabase database = startEmpty();
        database.migrateTo(version);
        return database;
    }

    private static MigratedDatabase startEmpty() throws IOException, SQLException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        try {
            return new MigratedDatabase(postgres,
                    new SingleConnectionDataSource(postgres.getPostgresDatabase().getConnection(), true));
        } catch (SQLException | RuntimeException e) {
            closeAfter(e, postgres);
            throw e;
        }
    }

    /** Applies the migrations not applied yet. */
    public void migrate() {
        migrateTo(null);
    }

    private void migrateTo(String version) {
        try {
            var configuration = Flyway.configure().dataSource(postgres.getPostgresDatabase());
            if (version != null) {
                configuration.target(version);
            }
            configuration.load().migrate();
        } catch (RuntimeException e) {
            // a failed migration must not leave a server running for the rest of the test run
            closeAfter(e, this);
            throw e;
        }
    }

    /** The shared connection's template (see the class comment). */
    public JdbcTemplate jdbc() {
        return jdbc;
    }

    /** The shared connection (see the class comment); closing what it hands out does not close it. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Closes the shared connection, then stops the server and deletes its data directory. */
    @Override
    public void close() throws IOException {
        try {
            dataSource.destroy();
        } finally {
            postgres.close();
        }
    }

    private static void closeAfter(Exception failure, AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }
}

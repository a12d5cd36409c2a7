package memberstream.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL as {@link EmbeddedPostgresConfiguration} starts it, on data directories of
 * its own under {@code target/test-data}: a new one, one made by the console before passwords (trust),
 * and a restart. Each test starts a real server.
 */
class EmbeddedPostgresAuthenticationTest {

    private final EmbeddedPostgresConfiguration configuration = new EmbeddedPostgresConfiguration();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Path dataDir;

    @BeforeEach
    void emptyDataDirectory() throws IOException {
        dataDir = Path.of("target", "test-data", "postgres-authentication").toAbsolutePath();
        deleteRecursively(dataDir);
        Files.createDirectories(dataDir);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void aNewDataDirectoryGetsARandomOwnerOnlyPasswordAndRefusesConnectionsWithoutIt() throws Exception {
        EmbeddedPostgres postgres = start();

        Path passwordFile = dataDir.resolve(EmbeddedPostgresAuthentication.PASSWORD_FILE);
        assertThat(Files.getPosixFilePermissions(passwordFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String password = Files.readString(passwordFile).strip();
        assertThat(password).hasSize(32).matches("[A-Za-z0-9]+");

        assertRefusedWithout(postgres, password);
        assertOnlyScramInHba(postgres, password);
    }

    @Test
    void theConsolesDataSourceConnectsWithThePassword() throws Exception {
        EmbeddedPostgres postgres = start();
        DataSource dataSource = configuration.dataSource(postgres, lock());

        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select current_user")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("postgres");
        }
    }

    @Test
    void aDataDirectoryFromBeforePasswordsIsUpgradedInPlaceKeepingItsData() throws Exception {
        Path pgData = dataDir.resolve("postgres");
        // what the console did before: zonky's defaults, trust for everyone
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
                .start(); Connection connection = EmbeddedPostgresAuthentication.connect(old.getPort(), null);
             Statement statement = connection.createStatement()) {
            statement.execute("create table kept (name text)");
            statement.execute("insert into kept values ('still here')");
        }
        assertThat(Files.readString(pgData.resolve("pg_hba.conf"))).contains("trust");

        EmbeddedPostgres postgres = start();

        String password = Files.readString(dataDir.resolve(EmbeddedPostgresAuthentication.PASSWORD_FILE)).strip();
        assertRefusedWithout(postgres, password);
        assertOnlyScramInHba(postgres, password);
        try (Connection connection = EmbeddedPostgresAuthentication.connect(postgres.getPort(), password);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select name from kept")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void aRestartKeepsThePasswordAndMakesALooseFileOwnerOnlyAgain() throws Exception {
        EmbeddedPostgres first = start();
        Path passwordFile = dataDir.resolve(EmbeddedPostgresAuthentication.PASSWORD_FILE);
        String password = Files.readString(passwordFile).strip();
        stopAll();
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));

        EmbeddedPostgres second = start();

        assertThat(Files.readString(passwordFile).strip()).isEqualTo(password);
        assertThat(Files.getPosixFilePermissions(passwordFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertRefusedWithout(second, password);
        assertThat(first.getPort()).isNotZero();
    }

    @Test
    void aMissingPasswordFileForASecuredDirectoryStopsTheStartWithAClearMessage() throws Exception {
        start();
        stopAll();
        Files.delete(dataDir.resolve(EmbeddedPostgresAuthentication.PASSWORD_FILE));

        assertThatThrownBy(this::start).hasMessageContaining("postgres-password is missing");
    }

    private EmbeddedPostgres start() throws IOException {
        DataDirectoryLock lock = lock();
        EmbeddedPostgres postgres = EmbeddedPostgresConfiguration.start(lock);
        toClose.add(postgres);
        return postgres;
    }

    private DataDirectoryLock lock() {
        for (AutoCloseable closeable : toClose) {
            if (closeable instanceof DataDirectoryLock held) {
                return held;
            }
        }
        DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
        toClose.add(lock);
        return lock;
    }

    private void stopAll() throws Exception {
        stop();
        toClose.clear();
    }

    private static void assertRefusedWithout(EmbeddedPostgres postgres, String password) throws SQLException {
        assertThatThrownBy(() -> EmbeddedPostgresAuthentication.connect(postgres.getPort(), null).close())
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> EmbeddedPostgresAuthentication.connect(postgres.getPort(), "").close())
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> EmbeddedPostgresAuthentication.connect(postgres.getPort(), "postgres").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        assertThatThrownBy(() -> EmbeddedPostgresAuthentication.connect(postgres.getPort(), password + "x").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        EmbeddedPostgresAuthentication.connect(postgres.getPort(), password).close();
    }

    /** What the server itself read from pg_hba.conf: every rule, socket and TCP, asks for scram-sha-256. */
    private static void assertOnlyScramInHba(EmbeddedPostgres postgres, String password) throws SQLException {
        List<String> rules = new ArrayList<>();
        try (Connection connection = EmbeddedPostgresAuthentication.connect(postgres.getPort(), password);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select type, auth_method from pg_hba_file_rules")) {
            while (result.next()) {
                rules.add(result.getString(1) + " " + result.getString(2));
            }
        }
        assertThat(rules).containsExactlyInAnyOrder("local scram-sha-256", "host scram-sha-256", "host scram-sha-256");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

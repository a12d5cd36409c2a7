package memberstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The helper the SQL tests share: migrated as asked, one session throughout, and gone once closed. */
class MigratedDatabaseTest {

    @Test
    void migratesUpToAVersionThenTheRestOnOneSessionAndStopsTheServerOnClose() throws Exception {
        int port;
        Path dataDirectory;
        try (MigratedDatabase database = MigratedDatabase.startAt("30")) {
            Flyway flyway = Flyway.configure().dataSource(database.dataSource()).load();
            assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("30");
            assertThat(flyway.info().pending()).isNotEmpty();
            assertThat(tableCount(database, "members")).isOne();
            assertThat(tableCount(database, "member_words")).isZero();

            database.migrate();
            assertThat(flyway.info().pending()).isEmpty();
            assertThat(tableCount(database, "member_words")).isOne();

            // one connection throughout: a session setting holds for the next statement, also after
            // Flyway "closed" the connection it was handed
            database.jdbc().execute("set application_name = 'migrated-database-test'");
            assertThat(database.jdbc().queryForObject("show application_name", String.class))
                    .isEqualTo("migrated-database-test");

            port = database.jdbc().queryForObject("show port", Integer.class);
            dataDirectory = Path.of(database.jdbc().queryForObject("show data_directory", String.class));
            assertThat(dataDirectory).isDirectory();
        }
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                "postgres", "postgres").close()).isInstanceOf(SQLException.class);
        assertThat(Files.exists(dataDirectory)).as("%s", dataDirectory).isFalse();
    }

    private static int tableCount(MigratedDatabase database, String table) {
        return database.jdbc().queryForObject("select count(*) from pg_tables where tablename = ?", Integer.class,
                table);
    }
}

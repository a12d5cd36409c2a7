package memberstream.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.SQLException;
import javax.sql.DataSource;
import memberstream.ConsoleTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The case: {@code psql -h 127.0.0.1 -U postgres} read the users table of a running console. */
@ConsoleTest
class ConsoleDatabasePasswordTest {

    @Autowired
    EmbeddedPostgres postgres;

    @Autowired
    DataSource dataSource;

    @Test
    void theRunningConsolesDatabaseRefusesTheSuperuserWithoutThePasswordWhileTheConsoleUsesIt() {
        assertThatThrownBy(() -> EmbeddedPostgresAuthentication.connect(postgres.getPort(), null).close())
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> EmbeddedPostgresAuthentication.connect(postgres.getPort(), "postgres").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");

        assertThat(new JdbcTemplate(dataSource).queryForObject("select count(*) from users", Long.class)).isPositive();
    }
}

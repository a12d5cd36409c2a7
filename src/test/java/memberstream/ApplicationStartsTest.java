package memberstream;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

@SpringBootTest(properties = "memberstream.data-dir=target/test-data/starts")
class ApplicationStartsTest {

    @Autowired
    DataSource dataSource;

    @Test
    void runsOnAnEmbeddedPostgres() {
        String version = new JdbcTemplate(dataSource).queryForObject("select version()", String.class);
        assertThat(version).startsWith("PostgreSQL");
    }
}

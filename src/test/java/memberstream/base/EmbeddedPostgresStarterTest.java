package memberstream.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import memberstream.base.DataDirectoryLock.DataDirectoryInUseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

class EmbeddedPostgresStarterTest {

    @TempDir
    Path dataDir;

    @Test
    void locksAtOnceAndHandsOverAServerStartedInTheBackground() throws Exception {
        EmbeddedPostgresStarter starter = starter();
        starter.postProcessBeanFactory(null);

        // the lock is held before the method returns: a second console fails at once with the clear message
        assertThatThrownBy(() -> starter().postProcessBeanFactory(null)).isInstanceOf(DataDirectoryInUseException.class);

        try (DataDirectoryLock lock = starter.lock(); EmbeddedPostgres postgres = starter.postgres()) {
            assertThat(lock.directory()).isEqualTo(dataDir.toAbsolutePath().normalize());
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                 ResultSet answer = connection.createStatement().executeQuery("show fsync")) {
                answer.next();
                assertThat(answer.getString(1)).isEqualTo("on");
            }
            starter.destroy(); // taken: the beans own them now, nothing is closed here
            assertThatThrownBy(() -> DataDirectoryLock.acquire(dataDir)).isInstanceOf(DataDirectoryInUseException.class);
            try (Connection stillUp = postgres.getPostgresDatabase().getConnection()) {
                assertThat(stillUp.isValid(5)).isTrue();
            }
        }
        DataDirectoryLock.acquire(dataDir).close();
    }

    @Test
    void closesWhatNoBeanTookWhenTheContextFailsEarly() throws Exception {
        EmbeddedPostgresStarter starter = starter();
        starter.postProcessBeanFactory(null);

        starter.destroy();

        // the server is stopped and the lock released: the next start on this directory goes ahead
        EmbeddedPostgresStarter next = starter();
        next.postProcessBeanFactory(null);
        try (DataDirectoryLock lock = next.lock(); EmbeddedPostgres postgres = next.postgres()) {
            assertThat(postgres.getPort()).isPositive();
        }
    }

    private EmbeddedPostgresStarter starter() {
        EmbeddedPostgresStarter starter = new EmbeddedPostgresStarter();
        starter.setEnvironment(new MockEnvironment().withProperty("memberstream.data-dir", dataDir.toString()));
        return starter;
    }
}

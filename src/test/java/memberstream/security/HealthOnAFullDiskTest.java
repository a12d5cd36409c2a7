package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;

/**
 * A console of its own whose data directory's disk counts as full (a free-space threshold no disk
 * meets): health and readiness say so instead of UP, while liveness stays UP (restarting would not
 * free the disk). Also shows that the first admin was in force before the web server listened.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "memberstream.data-dir=target/test-data/full-disk",
        "memberstream.engine.port=0",
        "memberstream.admin.username=admin",
        "memberstream.admin.password=full-disk-admin-password",
        "management.health.diskspace.threshold=100000TB",
})
class HealthOnAFullDiskTest {

    /** Whether the first admin was done at the moment the web server started listening. */
    static final AtomicReference<Boolean> ADMIN_DONE_WHEN_LISTENING = new AtomicReference<>();

    @TestConfiguration
    static class WatchTheServerStart {
        @EventListener
        void listening(WebServerInitializedEvent event) {
            FirstAdminInitializer initializer = event.getApplicationContext().getBean(FirstAdminInitializer.class);
            ADMIN_DONE_WHEN_LISTENING.compareAndSet(null, initializer.done());
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void aFullDataDiskTakesHealthAndReadinessDownButNotLiveness() throws Exception {
        assertStatus("/actuator/health", 503, "DOWN");
        assertStatus("/actuator/health/readiness", 503, "DOWN");
        assertStatus("/actuator/health/liveness", 200, "UP");
    }

    @Test
    void theFirstAdminIsInForceBeforeTheServerListens() {
        assertThat(ADMIN_DONE_WHEN_LISTENING.get()).isTrue();
    }

    private void assertStatus(String path, int code, String status) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(code);
        assertThat(json.readTree(response.body()).get("status").asText()).as(path).isEqualTo(status);
    }
}

package memberstream;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The training run behind the class data sharing archive, run by {@code ./mvnw package} under
 * {@code -XX:ArchiveClassesAtExit} (see {@link CdsLauncher}): starts the whole console on a temporary
 * data directory and free ports, asks for the login page once (so the classes that serve the first
 * request are archived too), closes the console gracefully (the embedded PostgreSQL stops) and deletes
 * the temporary directory it made. The JVM writes the archive as it exits.
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Files.createTempDirectory("memberstream-cds-training");
        int exit;
        try {
            SpringApplication application = new SpringApplication(MemberstreamApplication.class);
            ConfigurableApplicationContext context = application.run(
                    "--server.port=0", "--memberstream.engine.port=0", "--memberstream.data-dir=" + dataDir,
                    "--memberstream.admin.password=cds-training-only");
            String port = context.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<Void> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding());
            exit = SpringApplication.exit(context);
            if (login.statusCode() != 200) {
                throw new IllegalStateException("The training run's login page answered " + login.statusCode());
            }
        } finally {
            deleteRecursively(dataDir);
        }
        System.exit(exit);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

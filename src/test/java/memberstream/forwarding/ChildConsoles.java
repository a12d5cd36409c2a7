package memberstream.forwarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import memberstream.MemberstreamApplication;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Consoles and engines in child JVMs for the tests that kill and restart them (ForwardingCrashTest,
 * ManyConsolesTest): starting one on this test run's class path with its output in a log file, waiting
 * for it, calling its API as the admin, and stopping every child at the end ({@link #close}). Not
 * thread-safe to start or close; {@link #send} may be called from any thread.
 */
final class ChildConsoles implements AutoCloseable {

    private static final Pattern ENGINE_PORT = Pattern.compile("Engine listening on http://127\\.0\\.0\\.1:(\\d+)");

    private final String admin;
    private final String password;
    private final List<Process> children = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    /** @param admin and {@code password}: the first admin every console child is started with */
    ChildConsoles(String admin, String password) {
        this.admin = admin;
        this.password = password;
    }

    /** Starts the application in a child JVM with {@code arguments}; its output goes to {@code log}. */
    Process start(Path log, String maxHeap, String... arguments) throws IOException {
        // C1 only: the tests' children start often and send little
        return start(log, List.of("-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1"), MemberstreamApplication.class,
                arguments);
    }

    /**
     * Starts {@code mainClass} (the application, or a benchmark's wrapper around it) in a child JVM with
     * {@code jvmOptions} and {@code arguments}; its output goes to {@code log}, its standard input is a
     * pipe ({@link Process#getOutputStream}).
     */
    Process start(Path log, List<String> jvmOptions, Class<?> mainClass, String... arguments) throws IOException {
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath(), mainClass.getName(),
                "--memberstream.admin.username=" + admin,
                "--memberstream.admin.password=" + password,
                "--vaadin.launch-browser=false"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(process);
        return process;
    }

    /** The engine's URL once the child's log says it listens (an engine alone, or a console's own). */
    URI awaitEngine(Process process, Path log, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            Matcher port = ENGINE_PORT.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (port.find()) {
                return URI.create("http://127.0.0.1:" + port.group(1));
            }
            Thread.sleep(200); // another process is starting; nothing to inject a clock into
        }
        throw new AssertionError("no engine started; see " + log);
    }

    /** Waits until the console answers the admin's API calls (it is up and the first admin is in place). */
    void awaitHealthy(String url, Process process, Path log, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            if (healthy(url)) {
                return;
            }
            Thread.sleep(250); // another process is starting
        }
        throw new AssertionError("console " + url + " did not start; see " + log);
    }

    boolean healthy(String url) {
        try {
            return http.send(request(url + "/api/members?size=1", "GET", null).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException | InterruptedException notYet) {
            return false;
        }
    }

    /** One API call as the admin; throws unless it answers {@code expected}. */
    JsonNode send(String url, String method, String path, String body, int expected) throws Exception {
        HttpResponse<String> response = http.send(request(url + path, method, body).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return json.readTree(response.body());
    }

    /** A request as the admin (HTTP Basic), JSON body or none. */
    HttpRequest.Builder request(String url, String method, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((admin + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
    }

    HttpClient http() {
        return http;
    }

    ObjectMapper json() {
        return json;
    }

    /** SIGTERM to every child (a clean shutdown also stops a child's own PostgreSQL), SIGKILL after a minute. */
    @Override
    public void close() throws InterruptedException {
        for (Process child : children) {
            child.destroy();
        }
        for (Process child : children) {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        children.clear();
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    static KinesisClient kinesis(URI endpoint) {
        return KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * This run's class path: the JVM's under Surefire; under {@code exec:java} (the benchmarks) the project's
     * is only in the class loader that loaded this class, the JVM's being Maven's own.
     */
    private static String classPath() {
        if (ChildConsoles.class.getClassLoader() instanceof java.net.URLClassLoader loader && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (java.net.URISyntaxException | IllegalArgumentException notAFile) {
                    // not a local file: a child cannot use it either
                }
            }
            return String.join(java.io.File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}

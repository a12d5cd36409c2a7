package memberstream;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import memberstream.security.ApiTokenService;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole console as a benchmark command runs it, in the benchmark's JVM: random ports, a fresh data
 * directory under {@code target/bench/}, an admin of the benchmark's own with an API token, logging at
 * WARN so the printed numbers stand out. Not thread-safe to start or close; its getters are.
 */
public final class BenchmarkConsole implements AutoCloseable {

    public static final String USER = "bench";
    private static final String PASSWORD = "bench-password-not-secret";

    private final ConfigurableApplicationContext context;
    private final Path dataDir;
    private final String token;

    private BenchmarkConsole(ConfigurableApplicationContext context, Path dataDir) {
        this.context = context;
        this.dataDir = dataDir;
        AtomicReference<String> created = new AtomicReference<>();
        TestUsers.runAsAdmin(() -> created.set(context.getBean(ApiTokenService.class).create(USER, "benchmark").token()));
        this.token = created.get();
    }

    /** Starts a console on {@code target/bench/<name>-<millis>}; {@code arguments} add or override properties. */
    public static BenchmarkConsole start(String name, String... arguments) {
        Path dataDir = Path.of("target/bench/" + name + "-" + System.currentTimeMillis());
        List<String> all = new ArrayList<>(List.of(
                "--server.port=0",
                "--memberstream.engine.port=0",
                "--memberstream.data-dir=" + dataDir,
                "--memberstream.admin.username=" + USER,
                "--memberstream.admin.password=" + PASSWORD,
                "--logging.level.root=WARN",
                // The console ships in production mode (its jar carries the build's token); run from the class
                // directories, without vaadin-dev on the class path, Vaadin would otherwise look for a dev server.
                "--vaadin.productionMode=true"));
        all.addAll(List.of(arguments));
        var context = new SpringApplicationBuilder(MemberstreamApplication.class).run(all.toArray(String[]::new));
        return new BenchmarkConsole(context, dataDir);
    }

    /**
     * A benchmark's {@code main}: runs it, prints what went wrong if it fails, and ends the JVM with
     * 0 or 1 (the console's non-daemon threads would otherwise keep it alive).
     */
    public static void exitAfter(Benchmark benchmark) {
        int code = 0;
        try {
            benchmark.run();
        } catch (Throwable e) {
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    /** What a benchmark does; may throw anything. */
    @FunctionalInterface
    public interface Benchmark {
        void run() throws Exception;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** {@code http://127.0.0.1:<port><path>} on the console's port. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + path);
    }

    /**
     * The {@code Authorization} header value for the benchmark's admin: its API token, since HTTP Basic
     * runs BCrypt on every request; {@code -Dbench.auth=basic} measures with HTTP Basic instead.
     */
    public String authorization() {
        if ("basic".equals(System.getProperty("bench.auth"))) {
            return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        }
        return "Bearer " + token;
    }

    @Override
    public void close() {
        context.close();
    }
}

package memberstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up benchmark (issue 13): starts the built console as a user does, {@code java -jar
 * target/memberstream.jar}, several times, and measures from the moment the process is started to the
 * first HTTP 200 on {@code /login}. The first start gets a fresh data directory (PostgreSQL's initdb,
 * all migrations), the others restart on it. Each console gets a free port and engine port 0, so it
 * runs beside anything else; it is stopped with SIGTERM and waited for before the next start.
 *
 * <p>With {@code -Dbench.compare=true} (the default) it also starts the same jar without the class
 * data sharing archive ({@code -Dmemberstream.cds=false}), alternating the two, so one run on a
 * loaded machine still compares them. Besides wall time it reports the CPU time the console's JVM
 * had used when the page answered, which depends much less on what else the machine is doing.
 *
 * <pre>
 * ./mvnw -q package -DskipTests
 * ./mvnw -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=memberstream.StartupBenchmark
 * </pre>
 * Properties: {@code bench.starts} (5), {@code bench.jar} (target/memberstream.jar), {@code bench.compare}
 * (true), {@code bench.java-options} (extra JVM options for every start, space separated),
 * {@code bench.give-up-seconds} (600: a start that takes longer fails the run), {@code bench.variants}
 * ({@code name=options;name=options}: named sets of JVM options, started in turn, instead of the
 * shipped/without-CDS pair; e.g. {@code "base=;c1=-XX:TieredStopAtLevel=1"}).
 */
public final class StartupBenchmark {

    /** Time to the login page and the console JVM's CPU time at that moment (null where the OS does not say). */
    public record Start(Duration toLogin, Duration cpu) {
    }

    private static final Duration GIVE_UP = Duration.ofSeconds(Long.getLong("bench.give-up-seconds", 600));

    private StartupBenchmark() {
    }

    /**
     * Starts {@code java [javaOptions] -jar jar} {@code starts} times (fresh data directory first, then
     * restarts) and returns each start's time to an HTTP 200 on /login, in order.
     */
    public static List<Duration> startupTimes(Path jar, List<String> javaOptions, int starts) {
        return measure(jar, javaOptions, starts).stream().map(Start::toLogin).toList();
    }

    /** {@link #startupTimes} with the console's CPU time as well. */
    public static List<Start> measure(Path jar, List<String> javaOptions, int starts) {
        Path dataDir = freshDirectory("data");
        List<Start> result = new ArrayList<>();
        for (int i = 0; i < starts; i++) {
            result.add(startOnce(jar, javaOptions, dataDir, i));
        }
        return result;
    }

    /** The median of some durations (the mean of the two middle ones for an even count). */
    public static Duration median(List<Duration> times) {
        List<Duration> sorted = times.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
    }

    public static void main(String[] args) {
        int starts = Integer.getInteger("bench.starts", 5);
        Path jar = Path.of(System.getProperty("bench.jar", "target/memberstream.jar"));
        boolean compare = Boolean.parseBoolean(System.getProperty("bench.compare", "true"));
        List<String> extra = Arrays.stream(System.getProperty("bench.java-options", "").trim().split("\\s+"))
                .filter(s -> !s.isEmpty()).toList();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first with ./mvnw -q package -DskipTests");
        }
        Map<String, List<String>> variants = new LinkedHashMap<>();
        String named = System.getProperty("bench.variants", "").trim();
        if (!named.isEmpty()) {
            variants.putAll(parseVariants(named, extra));
        } else {
            variants.put("java -jar (as shipped)", extra);
            if (compare) {
                List<String> withoutCds = new ArrayList<>(extra);
                withoutCds.add("-Dmemberstream.cds=false");
                variants.put("java -jar without CDS", withoutCds);
            }
        }
        Map<String, Path> dataDirs = new LinkedHashMap<>();
        Map<String, List<Start>> results = new LinkedHashMap<>();
        variants.keySet().forEach(name -> {
            dataDirs.put(name, freshDirectory("data-" + (dataDirs.size() + 1)));
            results.put(name, new ArrayList<>());
        });
        System.out.printf("Start-up to HTTP 200 on /login, %d starts each (first on a fresh data directory), %d cores%n",
                starts, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < starts; i++) {
            for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
                Start start = startOnce(jar, variant.getValue(), dataDirs.get(variant.getKey()), i);
                results.get(variant.getKey()).add(start);
                System.out.printf("  %-30s start %d%s: %6.2f s (JVM CPU %s)%n", variant.getKey(), i + 1,
                        i == 0 ? " (fresh)" : "        ", seconds(start.toLogin()), cpu(start.cpu()));
            }
        }
        for (Map.Entry<String, List<Start>> entry : results.entrySet()) {
            List<Start> list = entry.getValue();
            List<Duration> walls = list.stream().map(Start::toLogin).toList();
            List<Duration> cpus = list.stream().map(Start::cpu).filter(c -> c != null).toList();
            System.out.printf("%-30s median %6.2f s  min %6.2f s  max %6.2f s  (median JVM CPU %s)  goal <= 10 s%n",
                    entry.getKey(), seconds(median(walls)), seconds(walls.stream().min(Duration::compareTo).orElseThrow()),
                    seconds(walls.stream().max(Duration::compareTo).orElseThrow()),
                    cpus.isEmpty() ? "n/a" : cpu(median(cpus)));
        }
        System.out.printf("load average now: %s%n", loadAverage());
    }

    /**
     * {@code bench.variants}: {@code name=options;name=options}, each a named set of JVM options (space
     * separated, may be empty) added to {@code extra}; the variants are started in turn, in this order.
     */
    static Map<String, List<String>> parseVariants(String spec, List<String> extra) {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("bench.variants: expected name=options, got '" + entry + "'");
            }
            List<String> options = new ArrayList<>(extra);
            Arrays.stream(entry.substring(equals + 1).trim().split("\\s+")).filter(s -> !s.isEmpty())
                    .forEach(options::add);
            variants.put(entry.substring(0, equals).trim(), options);
        }
        return variants;
    }

    private static Start startOnce(Path jar, List<String> javaOptions, Path dataDir, int index) {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        command.add("--server.port=" + port);
        command.add("--memberstream.engine.port=0");
        command.add("--memberstream.data-dir=" + dataDir.toAbsolutePath());
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-start-" + (index + 1) + ".log");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest login = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        Process process;
        long started = System.nanoTime();
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The console exited with " + process.exitValue() + "; see " + log);
                }
                if (System.nanoTime() - started > GIVE_UP.toNanos()) {
                    throw new IllegalStateException("No answer on /login within " + GIVE_UP + "; see " + log);
                }
                try {
                    if (http.send(login, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        Duration toLogin = Duration.ofNanos(System.nanoTime() - started);
                        return new Start(toLogin, cpuOf(process));
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            stop(process);
        }
    }

    /** CPU of the console: the java process, or the child it launched (the CDS launcher), whichever is busier. */
    private static Duration cpuOf(Process process) {
        Duration own = process.info().totalCpuDuration().orElse(null);
        Duration child = process.children().map(c -> c.info().totalCpuDuration().orElse(Duration.ZERO))
                .filter(d -> d.compareTo(Duration.ZERO) > 0).reduce(Duration.ZERO, Duration::plus);
        if (own == null) {
            return null;
        }
        return own.plus(child);
    }

    private static void stop(Process process) {
        process.destroy(); // SIGTERM: the console shuts down gracefully (PostgreSQL stopped, engine closed)
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path freshDirectory(String name) {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC).format(Instant.now());
        Path dir = Path.of("target", "bench", "startup-" + stamp, name).toAbsolutePath();
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String cpu(Duration d) {
        return d == null ? "n/a" : String.format("%.1f s", seconds(d));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}

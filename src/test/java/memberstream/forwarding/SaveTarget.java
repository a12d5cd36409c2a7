package memberstream.forwarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import memberstream.BenchmarkConsole;
import memberstream.MemberstreamApplication;
import memberstream.aws.AwsClients;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The console {@link MemberImportBenchmark} measures, in one of two modes: {@code processes} (the default:
 * the engine in a child JVM of its own, profile {@code engine}, and the console in another, driven through
 * {@link ConsoleProbe}, reaching the engine in {@code endpoint} mode; the benchmark's clients stay in the
 * benchmark's JVM, so each process's CPU is its own) or {@code in-process} (console, embedded engine and
 * clients in the benchmark's JVM, as before; the engine's threads are told apart by name, but all three
 * share one heap, so their garbage collection is billed to the console). Not thread-safe but for
 * {@link #uri} and {@link #authorization}.
 */
interface SaveTarget extends AutoCloseable {

    String mode();

    URI uri(String path);

    String authorization();

    /** Where the console's embedded PostgreSQL keeps its data (CpuMeter finds the server by it). */
    Path dataDir();

    KinesisClient kinesis();

    String kinesisStream();

    /** Switches forwarding on or off; returns the number of listeners switched. */
    int forwarding(boolean on) throws Exception;

    /** The Kinesis sink's linger and batch window ({@link RecordBatcher}). */
    void batching(Duration linger, Duration batchWindow, Duration busyWindow) throws Exception;

    void drain() throws Exception;

    /** The console's cumulative CPU, the engine's filled in wherever it runs. */
    SaveCostProbe.Sample sample() throws Exception;

    @Override
    void close() throws Exception;

    static SaveTarget start(String mode, List<String> consoleArguments, boolean throughputLimits) throws Exception {
        return switch (mode) {
            case "in-process" -> new InProcess(consoleArguments, throughputLimits);
            case "processes" -> new Children(consoleArguments, throughputLimits);
            default -> throw new IllegalArgumentException("bench.mode is in-process or processes, not " + mode);
        };
    }

    /** Console, engine and clients in this JVM. */
    final class InProcess implements SaveTarget {

        private final BenchmarkConsole console;
        private final SaveCostProbe probe;

        InProcess(List<String> arguments, boolean throughputLimits) {
            List<String> all = new ArrayList<>(arguments);
            all.add("--memberstream.engine.throughput-limits=" + throughputLimits);
            console = BenchmarkConsole.start("import", all.toArray(String[]::new));
            probe = new SaveCostProbe(console);
        }

        public String mode() {
            return "in-process (console, engine and the benchmark's clients in one JVM)";
        }

        public URI uri(String path) {
            return console.uri(path);
        }

        public String authorization() {
            return console.authorization();
        }

        public Path dataDir() {
            return console.dataDir();
        }

        public KinesisClient kinesis() {
            return console.bean(AwsClients.class).kinesis();
        }

        public String kinesisStream() {
            return console.bean(SettingsSinkNames.class).get().kinesisStream();
        }

        public int forwarding(boolean on) {
            return probe.forwarding(on);
        }

        public void batching(Duration linger, Duration batchWindow, Duration busyWindow) {
            probe.batching(linger, batchWindow, busyWindow);
        }

        public void drain() throws InterruptedException {
            probe.drain();
        }

        public SaveCostProbe.Sample sample() {
            return probe.sample();
        }

        public void close() {
            console.close();
        }
    }

    /** The engine and the console each in a child JVM (C2 as shipped; {@code bench.console-jvm} adds options). */
    final class Children implements SaveTarget {

        private final ChildConsoles children = new ChildConsoles(BenchmarkConsole.USER, "unused-the-probe-sets-it");
        private final ObjectMapper json = new ObjectMapper();
        private final Path dir;
        private final Process engineProcess;
        private final URI engine;
        private final Process consoleProcess;
        private final Path consoleLog;
        private final OutputStream commands;
        private final KinesisClient kinesis;
        private final URI console;
        private final String authorization;
        private final Path dataDir;
        private int answered;

        Children(List<String> arguments, boolean throughputLimits) throws Exception {
            dir = Files.createDirectories(Path.of("target/bench/price-" + System.currentTimeMillis()).toAbsolutePath());
            Path engineLog = dir.resolve("engine.log");
            engineProcess = children.start(engineLog, jvmOptions("bench.engine-jvm"), MemberstreamApplication.class,
                    "--spring.profiles.active=engine", "--memberstream.engine.port=0",
                    "--memberstream.engine.throughput-limits=" + throughputLimits, "--logging.level.root=WARN",
                    "--logging.level.memberstream.engine.EngineServer=INFO", // its port
                    "--memberstream.data-dir=" + dir.resolve("engine-data"));
            engine = children.awaitEngine(engineProcess, engineLog, Duration.ofMinutes(4));
            kinesis = ChildConsoles.kinesis(engine);
            consoleLog = dir.resolve("console.log");
            List<String> all = new ArrayList<>(arguments);
            all.addAll(List.of("--memberstream.aws.mode=endpoint", "--memberstream.aws.endpoint=" + engine));
            consoleProcess = children.start(consoleLog, jvmOptions("bench.console-jvm"), ConsoleProbe.class,
                    all.toArray(String[]::new));
            commands = consoleProcess.getOutputStream();
            JsonNode ready = awaitAnswer(Duration.ofMinutes(6));
            console = URI.create(ready.path("uri").asText());
            authorization = ready.path("authorization").asText();
            dataDir = Path.of(ready.path("dataDir").asText());
        }

        private static List<String> jvmOptions(String property) {
            String options = System.getProperty(property, "").trim();
            return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
        }

        public String mode() {
            return "processes (console pid %d, engine pid %d, each a JVM of its own; logs in %s)"
                    .formatted(consoleProcess.pid(), engineProcess.pid(), dir);
        }

        public URI uri(String path) {
            return URI.create(console + path);
        }

        public String authorization() {
            return authorization;
        }

        public Path dataDir() {
            return dataDir;
        }

        public KinesisClient kinesis() {
            return kinesis;
        }

        public String kinesisStream() {
            return "members"; // the console's default; the benchmark changes no settings
        }

        public int forwarding(boolean on) throws Exception {
            return ask("forwarding " + (on ? "on" : "off"), Duration.ofSeconds(30)).path("listeners").asInt();
        }

        public void batching(Duration linger, Duration batchWindow, Duration busyWindow) throws Exception {
            ask("batching " + linger.toMillis() + "ms " + batchWindow.toMillis() + "ms " + busyWindow.toMillis() + "ms",
                    Duration.ofSeconds(30));
        }

        public void drain() throws Exception {
            ask("drain", Duration.ofSeconds(150));
        }

        public SaveCostProbe.Sample sample() throws Exception {
            SaveCostProbe.Sample sample = json.treeToValue(ask("sample", Duration.ofSeconds(30)),
                    SaveCostProbe.Sample.class);
            return sample.withEngineProcess(CpuMeter.processCpuNanos(engineProcess.pid()));
        }

        /** One command to the console's probe, and its answer. */
        private JsonNode ask(String command, Duration within) throws Exception {
            commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
            return awaitAnswer(within);
        }

        /** The next {@code probe} line of the console's output. */
        private JsonNode awaitAnswer(Duration within) throws Exception {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                if (!consoleProcess.isAlive()) {
                    throw new IllegalStateException("the console process ended; see " + consoleLog);
                }
                List<String> answers = answers();
                if (answers.size() > answered) {
                    return json.readTree(answers.get(answered++).substring("probe ".length()));
                }
                Thread.sleep(10); // another process answers
            }
            throw new IllegalStateException("no answer from the console within " + within + "; see " + consoleLog);
        }

        private List<String> answers() throws IOException {
            List<String> answers = new ArrayList<>();
            String log = Files.readString(consoleLog, StandardCharsets.ISO_8859_1);
            // only whole lines: the console may be halfway through writing a long answer
            for (String line : log.substring(0, log.lastIndexOf('\n') + 1).split("\n")) {
                if (line.startsWith("probe {")) {
                    answers.add(line);
                }
            }
            return answers;
        }

        public void close() throws Exception {
            kinesis.close();
            commands.close(); // end of input: the probe closes the console
            if (!consoleProcess.waitFor(60, TimeUnit.SECONDS)) {
                consoleProcess.destroy();
            }
            children.close();
        }
    }
}

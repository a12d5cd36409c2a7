package memberstream.forwarding;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import memberstream.BenchmarkConsole;
import org.springframework.boot.convert.DurationStyle;

/**
 * A console in a JVM of its own for {@link MemberImportBenchmark} (mode {@code processes}), so that its
 * CPU (threads, garbage collection, JIT) is measured apart from the engine's and the benchmark's clients'.
 * It starts the console as {@link BenchmarkConsole} does, with the arguments given (less the admin's, which
 * {@link BenchmarkConsole} sets), then reads commands from standard input, one a line, and answers each on
 * standard output in one line {@code probe <json>}:
 * <ul>
 * <li>at start, unasked: {@code {"ready":true,"uri":...,"authorization":...,"dataDir":...}};</li>
 * <li>{@code forwarding on} / {@code forwarding off}: {@code {"listeners":n}};</li>
 * <li>{@code batching 10ms 0ms 0ms}: the Kinesis sink's linger, batch window and busy window; {@code drain}: once every event
 * is delivered;</li>
 * <li>{@code sample}: a {@link SaveCostProbe.Sample} as JSON.</li>
 * </ul>
 * End of input (the benchmark ended or died) closes the console. Commands run one at a time on the main thread.
 */
public final class ConsoleProbe {

    private ConsoleProbe() {
    }

    public static void main(String[] args) throws Exception {
        String[] arguments = Arrays.stream(args).filter(a -> !a.startsWith("--memberstream.admin."))
                .toArray(String[]::new);
        ObjectMapper json = new ObjectMapper();
        int code = 0;
        try (BenchmarkConsole console = BenchmarkConsole.start("price-console", arguments)) {
            SaveCostProbe probe = new SaveCostProbe(console);
            answer(json, Map.of("ready", true, "uri", console.uri("").toString(), "authorization",
                    console.authorization(), "dataDir", console.dataDir().toAbsolutePath().toString()));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] command = line.trim().split(" ");
                switch (command[0]) {
                    case "forwarding" -> answer(json, Map.of("listeners", probe.forwarding("on".equals(command[1]))));
                    case "batching" -> {
                        probe.batching(DurationStyle.detectAndParse(command[1]), DurationStyle.detectAndParse(command[2]),
                                DurationStyle.detectAndParse(command[3]));
                        answer(json, Map.of("linger", command[1], "batchWindow", command[2], "busyWindow", command[3]));
                    }
                    case "drain" -> {
                        probe.drain();
                        answer(json, Map.of("drained", true));
                    }
                    case "sample" -> answer(json, probe.sample());
                    default -> answer(json, Map.of("error", "unknown command: " + line));
                }
            }
        } catch (Throwable e) {
            e.printStackTrace();
            code = 1;
        }
        System.exit(code); // the console's non-daemon threads would keep the JVM alive
    }

    private static void answer(ObjectMapper json, Object value) throws Exception {
        System.out.println("probe " + json.writeValueAsString(value));
        System.out.flush();
    }
}

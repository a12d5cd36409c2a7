package memberstream.forwarding;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import memberstream.BenchmarkConsole;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the save-cost benchmark does inside the JVM that runs the console, the same whether that JVM is
 * the benchmark's own (in-process mode) or a child driven by {@link ConsoleProbe}: switching forwarding
 * off and on, waiting for every event to be delivered, and sampling the JVM's CPU by thread group.
 * Not thread-safe: one caller at a time.
 */
final class SaveCostProbe {

    /**
     * CPU of the JVM that runs the console, in nanoseconds: the whole process, each live thread (keyed
     * {@code <id> <name>}, so that a thread that ended is told apart from its successor), the Kinesis sink's
     * PutRecords calls and records, and the engine's process when it runs in a JVM of its own. Cumulative
     * as sampled; {@link #minus} makes it the difference, with threads folded into groups (digits as N).
     * The benchmark's client threads ({@link CpuMeter#isClient}) and the engine's ({@code engine-...}, when
     * it runs in the console's JVM) are not the console's.
     */
    record Sample(long process, Map<String, Long> threads, long calls, long records, long engineProcess) {

        /**
         * The difference from {@code before}: a thread's CPU since then, or since it started; a thread that
         * ended meanwhile is not in it (its CPU shows in {@link #jvmOwn}).
         */
        Sample minus(Sample before) {
            Map<String, Long> groups = new HashMap<>();
            threads.forEach((key, nanos) -> groups.merge(key.substring(key.indexOf(' ') + 1).replaceAll("\\d+", "N"),
                    nanos - before.threads.getOrDefault(key, 0L), Long::sum));
            return new Sample(process - before.process, groups, calls - before.calls, records - before.records,
                    engineProcess - before.engineProcess);
        }

        /** The console's CPU: the process less the benchmark's clients and the engine's threads. */
        long console() {
            return process - group(CpuMeter::isClient) - group(SaveCostProbe::engineThread);
        }

        /** The engine's: its threads in the console's JVM, or its own process. */
        long engine() {
            return group(SaveCostProbe::engineThread) + engineProcess;
        }

        /** The JVM's own threads (garbage collection, JIT), and threads that ended meanwhile. */
        long jvmOwn() {
            return process - threads.values().stream().mapToLong(Long::longValue).sum();
        }

        Sample withEngineProcess(long engineNanos) {
            return new Sample(process, threads, calls, records, engineNanos);
        }

        /** The console's busiest thread groups, in ms. */
        String busiest(int limit) {
            return threads.entrySet().stream()
                    .filter(e -> !CpuMeter.isClient(e.getKey()) && !engineThread(e.getKey()))
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(limit).map(e -> "%s %.0f".formatted(e.getKey(), e.getValue() / 1e6))
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        long group(Predicate<String> named) {
            return threads.entrySet().stream().filter(e -> named.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }
    }

    static boolean engineThread(String name) {
        return name.startsWith("engine-");
    }

    private final BenchmarkConsole console;

    SaveCostProbe(BenchmarkConsole console) {
        this.console = console;
    }

    /**
     * Off switches forwarding off in its listener ({@link ChangeForwardingListener#forwarding}): a save then
     * writes its member's history row alone, as every save does either way, and nothing is sent; on switches
     * it back. Returns 1, the listeners switched.
     */
    int forwarding(boolean on) {
        console.bean(ChangeForwardingListener.class).forwarding(on);
        return 1;
    }

    void batching(Duration linger, Duration batchWindow, Duration busyWindow) {
        console.bean(KinesisSink.class).batching(linger, batchWindow, busyWindow);
    }

    /** Waits until no event is undelivered; what forwarding does after the commit is part of a save's price. */
    void drain() throws InterruptedException {
        JdbcTemplate jdbc = console.bean(JdbcTemplate.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Long open = jdbc.queryForObject("select count(*) from forwarded_events where status <> 'DELIVERED'",
                    Long.class);
            if (open != null && open == 0) {
                return;
            }
            Thread.sleep(20); // the sender works on its own threads
        }
        throw new IllegalStateException("Forwarding did not drain within 120 s");
    }

    Sample sample() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> threads = new HashMap<>();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null) {
                threads.put(info.getThreadId() + " " + info.getThreadName(),
                        Math.max(0, mx.getThreadCpuTime(info.getThreadId())));
            }
        }
        jvmThreads(threads);
        long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long[] calls = console.bean(KinesisSink.class).callsAndRecords();
        return new Sample(process, threads, calls[0], calls[1], 0);
    }

    /**
     * The JVM's own threads, which {@link ThreadMXBean} does not list: JIT compilers (group {@code jvm-jit}),
     * garbage collection and the VM thread ({@code jvm-gc}), from /proc (Linux only; elsewhere they stay in
     * {@link Sample#jvmOwn}).
     */
    private static void jvmThreads(Map<String, Long> threads) {
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = java.nio.file.Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String group = name.contains("Compiler") ? "jvm-jit"
                            : name.startsWith("GC ") || name.startsWith("G1 ") || name.equals("VM Thread") ? "jvm-gc"
                            : null;
                    if (group != null) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                        threads.put("t" + task.getFileName() + " " + group, ticks * 10_000_000L); // USER_HZ 100
                    }
                } catch (java.io.IOException | RuntimeException ended) {
                    // the thread ended meanwhile
                }
            });
        } catch (java.io.IOException | RuntimeException notLinux) {
            // not Linux: the JVM's own threads stay in jvmOwn
        }
    }
}

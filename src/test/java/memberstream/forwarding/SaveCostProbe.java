package memberstream.forwarding;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import memberstream.BenchmarkConsole;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the save-cost benchmark does inside the JVM that runs the console, the same whether that JVM is
 * the benchmark's own (in-process mode) or a child driven by {@link ConsoleProbe}: switching forwarding
 * off and on, waiting for every event to be delivered, and sampling the JVM's CPU by thread group.
 * Not thread-safe: one caller at a time.
 */
final class SaveCostProbe {

    /**
     * Cumulative CPU of the JVM that runs the console, in nanoseconds: the whole process, its Java threads
     * together, the threads the benchmark does not count as the console's ({@code excluded}: its clients),
     * the engine's threads when the engine runs in it, the busiest thread groups (digits folded to N), and
     * the Kinesis sink's PutRecords calls and records so far.
     */
    record Sample(long process, long javaThreads, long excluded, long engine, Map<String, Long> threads,
                  long calls, long records) {

        /** The console's CPU: the process less the excluded threads and the engine's. */
        long console() {
            return process - excluded - engine;
        }

        /** The JVM's own threads (garbage collection, JIT), and threads that ended meanwhile. */
        long jvmOwn() {
            return process - javaThreads;
        }

        Sample minus(Sample before) {
            Map<String, Long> groups = new HashMap<>(threads);
            before.threads.forEach((name, nanos) -> groups.merge(name, -nanos, Long::sum));
            return new Sample(process - before.process, javaThreads - before.javaThreads, excluded - before.excluded,
                    engine - before.engine, groups, calls - before.calls, records - before.records);
        }

        Sample withEngine(long engineNanos) {
            return new Sample(process, javaThreads, excluded, engineNanos, threads, calls, records);
        }

        String busiest(int limit) {
            return threads.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(limit).map(e -> "%s %.0f".formatted(e.getKey(), e.getValue() / 1e6))
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        long group(Predicate<String> named) {
            return threads.entrySet().stream().filter(e -> named.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }
    }

    private final BenchmarkConsole console;
    private final ApplicationEventMulticaster multicaster;
    private final Predicate<String> excluded;
    private final Predicate<String> engine;
    private List<ApplicationListener<?>> removed = List.of();

    /** @param excluded threads of this JVM that are not the console's; {@code engine}: the embedded engine's */
    SaveCostProbe(BenchmarkConsole console, Predicate<String> excluded, Predicate<String> engine) {
        this.console = console;
        this.multicaster = console.bean(ApplicationEventMulticaster.class);
        this.excluded = excluded;
        this.engine = engine;
    }

    /**
     * Off removes forwarding's listeners ({@code ChangeForwardingListener}'s, not the member history's, which
     * every save writes either way), what a switch in Settings would do; on puts the same objects back.
     * Returns how many listeners are switched.
     */
    int forwarding(boolean on) {
        if (on) {
            removed.forEach(multicaster::addApplicationListener);
            return removed.size();
        }
        List<ApplicationListener<?>> now = new ArrayList<>();
        multicaster.removeApplicationListeners(listener -> {
            String id = listener instanceof SmartApplicationListener smart ? smart.getListenerId()
                    : listener instanceof GenericApplicationListener generic ? generic.getListenerId() : "";
            boolean forwarding = id.startsWith("memberstream.forwarding.ChangeForwardingListener.");
            if (forwarding) {
                now.add(listener);
            }
            return forwarding;
        });
        if (!now.isEmpty()) {
            removed = now;
        }
        return removed.size();
    }

    void linger(Duration linger) {
        console.bean(KinesisSink.class).linger(linger);
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
        long all = 0;
        long notConsole = 0;
        long engineNanos = 0;
        Map<String, Long> groups = new HashMap<>();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            String name = info.getThreadName();
            all += nanos;
            if (excluded.test(name)) {
                notConsole += nanos;
            } else if (engine.test(name)) {
                engineNanos += nanos;
            } else {
                groups.merge(name.replaceAll("\\d+", "N"), nanos, Long::sum);
            }
        }
        long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long[] calls = console.bean(KinesisSink.class).callsAndRecords();
        return new Sample(process, all, notConsole, engineNanos, groups, calls[0], calls[1]);
    }
}

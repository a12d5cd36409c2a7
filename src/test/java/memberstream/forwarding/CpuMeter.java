package memberstream.forwarding;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used between its creation and {@link #used()}, split into the console (this JVM's threads
 * except the benchmark's client threads, see {@link #isClient}), the benchmark's clients, and the
 * embedded PostgreSQL (its postmaster, found by its data directory on the command line, and the
 * postmaster's children, read from /proc). Linux only; elsewhere PostgreSQL reads as 0. Not thread-safe.
 */
final class CpuMeter {

    record Used(double consoleMillis, double clientMillis, double postgresMillis) {
    }

    private static final double CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final Path postgresDirectory;
    private final long processStart = processCpuNanos();
    private final java.util.Map<String, Long> threadsStart = threadGroupCpuNanos();
    private final long clientStart = clientCpuNanos();
    private final double postgresStart;

    CpuMeter(Path postgresDirectory) {
        this.postgresDirectory = postgresDirectory.toAbsolutePath().normalize();
        this.postgresStart = postgresCpuMillis();
    }

    Used used() {
        double client = (clientCpuNanos() - clientStart) / 1e6;
        double process = (processCpuNanos() - processStart) / 1e6;
        return new Used(process - client, client, postgresCpuMillis() - postgresStart);
    }

    /** The console's busiest thread groups (names with digits folded) since creation, in ms. */
    String busiestThreads(int limit) {
        java.util.Map<String, Long> now = threadGroupCpuNanos();
        return now.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - threadsStart.getOrDefault(e.getKey(), 0L)))
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(limit)
                .map(e -> "%s %.0f".formatted(e.getKey(), e.getValue() / 1e6))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static java.util.Map<String, Long> threadGroupCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> groups = new java.util.HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                groups.merge(info.getThreadName().replaceAll("\\d+", "N"),
                        Math.max(0, threads.getThreadCpuTime(info.getThreadId())), Long::sum);
            }
        }
        return groups;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Threads that end before used() is called are not counted; the clients run until then. */
    private static long clientCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && isClient(info.getThreadName())) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                total += Math.max(0, nanos);
            }
        }
        return total;
    }

    /**
     * The benchmark's client threads: named {@code bench-}, and the selector thread of the JDK's
     * {@code java.net.http} client the benchmarks send with (the console itself does not use that client).
     */
    static boolean isClient(String threadName) {
        return threadName.startsWith("bench-")
                || threadName.startsWith("HttpClient-") && threadName.endsWith("-SelectorManager");
    }

    private double postgresCpuMillis() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            long postmaster = processes
                    .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> commandLine(p).contains(postgresDirectory.toString()))
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(pid -> commandLine(Path.of("/proc", Long.toString(pid))).contains("postgres"))
                    .min().orElse(-1);
            if (postmaster < 0) {
                return 0;
            }
            try (Stream<Path> all = Files.list(Path.of("/proc"))) {
                return all.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                        .mapToDouble(p -> cpuMillisIf(p, postmaster)).sum();
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime of the process if it is the postmaster (and its exited children) or one of its children, else 0. */
    private static double cpuMillisIf(Path process, long postmaster) {
        try {
            String stat = Files.readString(process.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long pid = Long.parseLong(process.getFileName().toString());
            long parent = Long.parseLong(fields[1]);
            if (pid != postmaster && parent != postmaster) {
                return 0;
            }
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            if (pid == postmaster) {
                // cutime + cstime: backends that have exited (a connection closed) count with their postmaster
                ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            }
            return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** utime + stime of another process (its threads that ended included), in nanoseconds; Linux only. */
    static long processCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return (long) (ticks * 1e9 / CLOCK_TICKS_PER_SECOND);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static String commandLine(Path process) {
        try {
            return new String(Files.readAllBytes(process.resolve("cmdline"))).replace('\0', ' ');
        } catch (IOException | RuntimeException gone) {
            return "";
        }
    }
}

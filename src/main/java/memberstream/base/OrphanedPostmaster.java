package memberstream.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL is a child process: when the console is killed (kill -9, a crash) it keeps
 * running, holding {@code <data-dir>/postgres}, and the next start would fail waiting for its own
 * server. Called with the data directory lock held (so no live console owns that directory), this
 * stops such an orphan: the first line of {@code postmaster.pid} names it, and it is only touched if
 * it is a postgres process started on this very directory. A fast shutdown first (SIGINT), SIGKILL
 * if that hangs; PostgreSQL recovers from its WAL at the next start either way.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);

    private OrphanedPostmaster() {
    }

    static void stopIfRunning(Path pgData) {
        Optional<ProcessHandle> orphan = find(pgData);
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = orphan.get();
        log.warn("A PostgreSQL left running by a console that stopped abruptly (pid {}) still holds {}; stopping it",
                postmaster.pid(), pgData);
        signal(postmaster.pid(), "INT");
        if (!exited(postmaster, 30)) {
            postmaster.destroyForcibly();
            exited(postmaster, 10);
        }
    }

    private static Optional<ProcessHandle> find(Path pgData) {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            String dir = lines.size() > 1 ? lines.get(1).trim() : "";
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> Path.of(dir).toAbsolutePath().normalize().equals(pgData.toAbsolutePath().normalize()))
                    .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty(); // no usable pid file: nothing of ours to stop
        }
    }

    private static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean exited(ProcessHandle process, int seconds) {
        CompletableFuture<ProcessHandle> exit = process.onExit();
        try {
            exit.get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException stillRunning) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}

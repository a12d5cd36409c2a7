package memberstream.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * What every engine service gets: its settings, its clock and a directory of its own under the
 * engine's locked data directory ({@code <data-dir>/engine/<service>}). Constructing it takes an
 * exclusive OS lock on {@code <data-dir>/engine/.lock}, so two processes never share the engine's files;
 * the lock dies with the process (even kill -9). Thread-safe.
 */
public final class EngineContext implements AutoCloseable {

    private final Path directory;
    private final EngineProperties properties;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock lock;

    public EngineContext(Path engineDirectory, EngineProperties properties, Clock clock) {
        this.directory = engineDirectory.toAbsolutePath().normalize();
        this.properties = properties;
        this.clock = clock;
        try {
            Files.createDirectories(directory);
            Path lockFile = directory.resolve(".lock");
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock taken;
            try {
                taken = lockChannel.tryLock();
            } catch (OverlappingFileLockException heldInThisProcess) {
                taken = null;
            }
            if (taken == null) {
                lockChannel.close();
                throw new IllegalStateException("The engine directory " + directory + " is in use by another process. "
                        + "Stop it, or give this one another memberstream.data-dir.");
            }
            lock = taken;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock the engine directory " + directory, e);
        }
    }

    /** The directory of one service (created if missing), e.g. {@code kinesis}, {@code firehose}, {@code s3}. */
    public Path directory(String service) {
        Path path = directory.resolve(service);
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + path, e);
        }
        return path;
    }

    public Path root() {
        return directory;
    }

    public EngineProperties properties() {
        return properties;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

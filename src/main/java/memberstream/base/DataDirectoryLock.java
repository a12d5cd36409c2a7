package memberstream.base;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <data-dir>/.lock}, held for the life of the process, so that a second
 * console started on the same data directory stops with a clear message instead of sharing (and
 * corrupting) the database and the engine's files. The OS releases the lock when the process dies,
 * even by kill -9, so a crash never leaves a stale lock behind.
 */
public final class DataDirectoryLock implements AutoCloseable {

    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path lockFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or throws {@link DataDirectoryInUseException}. */
    public static DataDirectoryLock acquire(Path dataDir) {
        Path lockFile = dataDir.toAbsolutePath().normalize().resolve(".lock");
        try {
            Files.createDirectories(lockFile.getParent());
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException alreadyHeldHere) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new DataDirectoryInUseException(lockFile.getParent());
            }
            return new DataDirectoryLock(lockFile, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock the data directory " + lockFile.getParent(), e);
        }
    }

    public Path directory() {
        return lockFile.getParent();
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }

    /** Another process holds the data directory. */
    public static final class DataDirectoryInUseException extends IllegalStateException {
        public DataDirectoryInUseException(Path dir) {
            super("The data directory " + dir + " is already in use by another Memberstream process. "
                    + "Stop that process, or start this one with --memberstream.data-dir=<another directory>.");
        }
    }
}

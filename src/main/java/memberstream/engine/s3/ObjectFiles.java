package memberstream.engine.s3;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where an object's file lives in a bucket directory, and the file moves the store makes (atomic where
 * the file system allows). Keys map to paths as {@link ObjectKeyPaths} says. Stateless; callers hold the
 * store's lock as {@link S3ObjectStore} describes.
 */
final class ObjectFiles {

    private ObjectFiles() {
    }

    /** The file holding {@code key}, or null. */
    static Path findLeaf(Path bucketDir, String key) {
        List<String> segments = ObjectKeyPaths.segments(key);
        Path dir = bucketDir;
        try {
            for (int i = 0; i < segments.size() - 1; i++) {
                dir = dir.resolve(ObjectKeyPaths.encodeSegment(segments.get(i)));
                if (!Files.isDirectory(dir)) {
                    return null;
                }
            }
            String leaf = ObjectKeyPaths.encodeSegment(segments.get(segments.size() - 1));
            Path file = dir.resolve(leaf);
            if (Files.isRegularFile(file)) {
                return file;
            }
            Path alternate = dir.resolve(ObjectKeyPaths.alternateLeafName(leaf));
            return Files.isRegularFile(alternate) ? alternate : null;
        } catch (S3Exception keyTooLong) {
            return null;
        }
    }

    /** Creates the directories for {@code key} and returns where its file goes. Caller holds the write lock. */
    static Path prepareLeaf(Path bucketDir, String key) throws IOException {
        List<String> segments = ObjectKeyPaths.segments(key);
        Path dir = bucketDir;
        for (int i = 0; i < segments.size() - 1; i++) {
            String name = ObjectKeyPaths.encodeSegment(segments.get(i));
            Path next = dir.resolve(name);
            if (Files.isRegularFile(next)) {
                // An object with this name exists: it moves aside to make room for the directory.
                move(next, dir.resolve(ObjectKeyPaths.alternateLeafName(name)));
            }
            Files.createDirectories(next);
            dir = next;
        }
        String leaf = ObjectKeyPaths.encodeSegment(segments.get(segments.size() - 1));
        Path plain = dir.resolve(leaf);
        Path alternate = dir.resolve(ObjectKeyPaths.alternateLeafName(leaf));
        if (Files.isDirectory(plain)) {
            return alternate;
        }
        Files.deleteIfExists(alternate);
        return plain;
    }

    static void pruneEmptyDirectories(Path bucketDir, Path dir) throws IOException {
        while (dir != null && !dir.equals(bucketDir) && dir.startsWith(bucketDir)) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException | NoSuchFileException stop) {
                return;
            }
            dir = dir.getParent();
        }
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

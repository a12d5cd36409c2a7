package memberstream.engine.storage;

/**
 * When a {@link SegmentLog} forces its writes to the disk.
 * Either way an acknowledged write survives the death of the process (kill -9): the bytes are in the
 * operating system's page cache before the caller is answered. Only {@link #EVERY_BATCH} also survives
 * a power cut or a kernel crash.
 */
public enum FsyncPolicy {
    /** {@code fdatasync} before a batch is acknowledged; concurrent batches share one sync (group commit). */
    EVERY_BATCH,
    /** Write to the page cache and let the operating system flush it when it wants. */
    OS
}

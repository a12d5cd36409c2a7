package memberstream.member.importing;

/** Where an import job stands; every status but RUNNING is final. */
public enum ImportStatus {
    /** Saving batches now. */
    RUNNING,
    /** Every valid row was saved (or skipped: its email was taken meanwhile). */
    DONE,
    /** Stopped on request; the batches saved before stay saved. */
    CANCELLED,
    /** Its console stopped (crash or shutdown) while it ran; the batches saved before stay saved. */
    INTERRUPTED,
    /** A batch could not be saved; the batches saved before stay saved, the message says why. */
    FAILED;

    public boolean finished() {
        return this != RUNNING;
    }
}

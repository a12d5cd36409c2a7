package memberstream.member.importing;

/** An import cannot start while another one runs (one at a time, over all consoles). */
public class ImportRunningException extends RuntimeException {

    private final long runningId;

    ImportRunningException(long runningId) {
        super("Import " + runningId + " is still running; wait for it to finish or cancel it");
        this.runningId = runningId;
    }

    public long runningId() {
        return runningId;
    }
}

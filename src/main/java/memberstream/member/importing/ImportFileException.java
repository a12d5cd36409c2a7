package memberstream.member.importing;

/**
 * The file as a whole cannot be imported (no header, a missing column, not UTF-8, malformed CSV, too
 * many rows or bytes): nothing in it was checked row by row, nothing saved. The message says what to fix.
 */
public class ImportFileException extends RuntimeException {

    private final boolean tooLarge;

    public ImportFileException(String message) {
        this(message, false);
    }

    ImportFileException(String message, boolean tooLarge) {
        super(message);
        this.tooLarge = tooLarge;
    }

    /** True if refused for its size or row count (HTTP 413), not its content. */
    public boolean tooLarge() {
        return tooLarge;
    }
}

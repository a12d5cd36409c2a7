package memberstream.member.importing;

import java.time.Instant;

/**
 * One import as stored in {@code member_imports} (V70): what the file held and how far saving got.
 *
 * @param totalRows   data rows in the file
 * @param refusedRows rows refused by validation (never saved)
 * @param toSave      valid rows the job saves
 * @param saved       members saved so far (each with its created event)
 * @param skipped     valid rows not saved because their email was taken between validation and their batch
 */
public record ImportJob(long id, ImportStatus status, String fileName, int totalRows, int refusedRows, int toSave,
                        int saved, int skipped, boolean cancelRequested, String createdBy, Instant createdAt,
                        Instant updatedAt, Instant finishedAt, String message) {

    /** Share of the valid rows dealt with (saved or skipped), 0 to 1. */
    public double progress() {
        return toSave == 0 ? 1 : Math.min(1, (saved + skipped) / (double) toSave);
    }
}

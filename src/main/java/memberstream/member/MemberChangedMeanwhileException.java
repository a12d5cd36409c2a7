package memberstream.member;

/**
 * Someone else saved the member after this caller read it: saving would overwrite their change, so
 * nothing was saved. The caller should reload the member and decide again.
 */
public class MemberChangedMeanwhileException extends RuntimeException {

    private final long memberId;
    private final long expectedVersion;
    private final Long currentVersion;

    public MemberChangedMeanwhileException(long memberId, long expectedVersion, Long currentVersion) {
        super("Member " + memberId + " was changed by someone else since it was read (version " + expectedVersion
                + (currentVersion == null ? "" : ", now " + currentVersion) + "). Reload it and try again.");
        this.memberId = memberId;
        this.expectedVersion = expectedVersion;
        this.currentVersion = currentVersion;
    }

    public long memberId() {
        return memberId;
    }

    public long expectedVersion() {
        return expectedVersion;
    }

    /** The version now stored, when known. */
    public Long currentVersion() {
        return currentVersion;
    }
}

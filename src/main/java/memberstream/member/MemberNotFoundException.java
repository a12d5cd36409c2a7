package memberstream.member;

/** The member does not exist (never did, or someone deleted it). */
public class MemberNotFoundException extends RuntimeException {

    private final long memberId;

    public MemberNotFoundException(long memberId) {
        super("Member " + memberId + " does not exist; it may have been deleted by someone else.");
        this.memberId = memberId;
    }

    public long memberId() {
        return memberId;
    }
}

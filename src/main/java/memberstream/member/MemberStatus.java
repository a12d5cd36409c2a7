package memberstream.member;

/** Where a member stands: applied, in good standing, temporarily barred, or gone. */
public enum MemberStatus {
    PENDING("Pending"),
    ACTIVE("Active"),
    SUSPENDED("Suspended"),
    LEFT("Left");

    private final String label;

    MemberStatus(String label) {
        this.label = label;
    }

    /** The word a person reads in the console. */
    public String label() {
        return label;
    }
}

package memberstream.member;

/** What a member does in the organisation (not a console permission: those live in security). */
public enum MemberRole {
    MEMBER("Member"),
    VOLUNTEER("Volunteer"),
    STAFF("Staff"),
    BOARD("Board");

    private final String label;

    MemberRole(String label) {
        this.label = label;
    }

    /** The word a person reads in the console. */
    public String label() {
        return label;
    }
}

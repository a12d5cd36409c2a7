package memberstream.security;

/**
 * What a console user may do. ADMIN edits members, settings and users; VIEWER only reads. Spring
 * Security sees them as the authorities {@code ROLE_ADMIN} and {@code ROLE_VIEWER}.
 */
public enum Role {
    ADMIN,
    VIEWER;

    /** The Spring Security authority for this role. */
    public String authority() {
        return "ROLE_" + name();
    }
}

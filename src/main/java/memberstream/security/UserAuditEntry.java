package memberstream.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** One change to a user (table {@code user_audit}, V60): written once, never changed. */
@Entity
@Table(name = "user_audit")
class UserAuditEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private Instant at;

    @Column(nullable = false, length = 64)
    private String actor;

    @Column(nullable = false, length = 64)
    private String username;

    @Column(nullable = false, length = 32)
    private String action;

    @Column(length = 200)
    private String detail;

    @Version
    private long version;

    protected UserAuditEntry() {
    }

    UserAuditEntry(Instant at, String actor, String username, String action, String detail) {
        this.at = at;
        this.actor = actor;
        this.username = username;
        this.action = action;
        this.detail = detail;
    }

    UserChange change() {
        return new UserChange(at, actor, username, action, detail);
    }
}

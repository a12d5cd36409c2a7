package memberstream.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A console user; the password is stored only as a BCrypt hash. A disabled user can neither log in nor use the API. */
@Entity
@Table(name = "users")
class UserAccount {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 64)
    private String username;

    @Column(name = "password_hash", nullable = false, length = 100)
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private Role role;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(nullable = false)
    private boolean enabled = true;

    @Version
    private long version;

    protected UserAccount() {
    }

    UserAccount(String username, String passwordHash, Role role, Instant createdAt) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.role = role;
        this.createdAt = createdAt;
    }

    String username() {
        return username;
    }

    String passwordHash() {
        return passwordHash;
    }

    Role role() {
        return role;
    }

    Instant createdAt() {
        return createdAt;
    }

    boolean enabled() {
        return enabled;
    }

    void changePasswordHash(String newHash) {
        this.passwordHash = newHash;
    }

    void changeRole(Role newRole) {
        this.role = newRole;
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    UserSummary summary() {
        return new UserSummary(username, role, enabled, createdAt);
    }
}

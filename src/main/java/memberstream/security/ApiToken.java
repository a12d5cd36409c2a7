package memberstream.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** An API token of a user; only the SHA-256 of the token is stored (see {@link ApiTokens}). */
@Entity
@Table(name = "api_tokens")
class ApiToken {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "user_id", nullable = false)
    private UserAccount user;

    @Column(length = 64)
    private String name;

    @Column(name = "token_hash", nullable = false, length = 64)
    private String tokenHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "created_by", nullable = false, length = 64)
    private String createdBy;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    @Version
    private long version;

    protected ApiToken() {
    }

    ApiToken(UserAccount user, String name, String tokenHash, Instant createdAt, String createdBy) {
        this.user = user;
        this.name = name;
        this.tokenHash = tokenHash;
        this.createdAt = createdAt;
        this.createdBy = createdBy;
    }

    Long id() {
        return id;
    }

    UserAccount user() {
        return user;
    }

    Instant lastUsedAt() {
        return lastUsedAt;
    }

    ApiTokenSummary summary() {
        return new ApiTokenSummary(id, name, user.username(), createdAt, createdBy, lastUsedAt);
    }
}

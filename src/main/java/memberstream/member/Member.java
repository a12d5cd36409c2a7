package memberstream.member;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.LocalDate;

/**
 * One member of the organisation (table {@code members}, created by {@code V2__members.sql}).
 *
 * <p>The Jakarta constraints here are the single statement of what a valid member is: the form's
 * binder, the service and Hibernate's pre-insert check all read them. Editable properties have
 * setters (the form binds to a detached copy, never to a grid row); id, timestamps and version are
 * owned by {@link MemberService} and JPA. Text is stripped on the way in and an empty optional text
 * becomes {@code null}, so "  " and "" are never stored.
 */
@Entity
@Table(name = "members")
public class Member {

    /** The earliest join date accepted: older ones are typing mistakes (and PostgreSQL has no year -999999999). */
    public static final String EARLIEST_JOIN_DATE = "1900-01-01";

    /** Longest texts accepted; forms show them as counters, so nothing is ever cut without a word. */
    public static final int FULL_NAME_MAX = 120;
    public static final int EMAIL_MAX = 254;
    public static final int PHONE_MAX = 32;
    public static final int NOTES_MAX = 2000;

    /**
     * Bean Validation's {@code @Email} accepts {@code a@b}; a member's address must also have a dot in
     * its domain (name@example.org), the rule browsers' email fields apply, so form and API agree.
     */
    public static final String EMAIL_WITH_DOTTED_DOMAIN = "[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @NotBlank(message = "Enter the member's full name")
    @Size(max = FULL_NAME_MAX, message = "Use at most 120 characters")
    @PlainText
    private String fullName;

    @NotBlank(message = "Enter an email address")
    @Email(regexp = EMAIL_WITH_DOTTED_DOMAIN, message = "Enter a valid email address, like name@example.org")
    @Size(max = EMAIL_MAX, message = "Use at most 254 characters")
    @PlainText
    private String email;

    @Size(max = PHONE_MAX, message = "Use at most 32 characters")
    @Pattern(regexp = "\\+?[0-9 ()./-]*", message = "Use digits, spaces and + ( ) - . / only")
    private String phone;

    @NotNull(message = "Choose a role")
    @Enumerated(EnumType.STRING)
    private MemberRole role;

    @NotNull(message = "Choose a status")
    @Enumerated(EnumType.STRING)
    private MemberStatus status;

    @NotNull(message = "Enter the date the member joined")
    @PastOrPresent(message = "The join date cannot be in the future")
    @NotBefore(EARLIEST_JOIN_DATE)
    private LocalDate joinedOn;

    @Size(max = NOTES_MAX, message = "Use at most 2000 characters")
    @PlainText(multiline = true)
    private String notes;

    @Column(updatable = false)
    private Instant createdAt;

    private Instant updatedAt;

    @Version
    private long version;

    public Member() {
    }

    /** A new member with the required properties set; the optional ones stay empty. */
    public Member(String fullName, String email, MemberRole role, MemberStatus status, LocalDate joinedOn) {
        setFullName(fullName);
        setEmail(email);
        this.role = role;
        this.status = status;
        this.joinedOn = joinedOn;
    }

    /** A detached copy holding the same values, version included: what a form edits. */
    public Member copy() {
        Member copy = new Member();
        copy.id = id;
        copy.copyDetailsFrom(this);
        copy.createdAt = createdAt;
        copy.updatedAt = updatedAt;
        copy.version = version;
        return copy;
    }

    /** Takes every editable property of {@code other}; id, timestamps and version stay. */
    void copyDetailsFrom(Member other) {
        setFullName(other.fullName);
        setEmail(other.email);
        setPhone(other.phone);
        role = other.role;
        status = other.status;
        joinedOn = other.joinedOn;
        setNotes(other.notes);
    }

    void stampCreated(Instant now) {
        createdAt = now;
        updatedAt = now;
    }

    void stampUpdated(Instant now) {
        updatedAt = now;
    }

    /** {@code null} until the member has been saved. */
    public Long getId() {
        return id;
    }

    public boolean isNew() {
        return id == null;
    }

    public String getFullName() {
        return fullName;
    }

    public void setFullName(String fullName) {
        this.fullName = fullName == null ? null : fullName.strip();
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email == null ? null : email.strip();
    }

    public String getPhone() {
        return phone;
    }

    public void setPhone(String phone) {
        this.phone = emptyToNull(phone);
    }

    public MemberRole getRole() {
        return role;
    }

    public void setRole(MemberRole role) {
        this.role = role;
    }

    public MemberStatus getStatus() {
        return status;
    }

    public void setStatus(MemberStatus status) {
        this.status = status;
    }

    public LocalDate getJoinedOn() {
        return joinedOn;
    }

    public void setJoinedOn(LocalDate joinedOn) {
        this.joinedOn = joinedOn;
    }

    public String getNotes() {
        return notes;
    }

    public void setNotes(String notes) {
        this.notes = emptyToNull(notes);
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    /** The optimistic-locking version this copy was read at; an update must present it. */
    public long getVersion() {
        return version;
    }

    private static String emptyToNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return text.strip();
    }

    @Override
    public String toString() {
        return "Member#" + id + "(" + email + ", v" + version + ")";
    }
}

package memberstream.member;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import memberstream.security.CurrentUser;
import org.hibernate.exception.ConstraintViolationException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one way in to members, for the views and the API alike. Each write is one transactional method
 * (create, update, delete), so whatever must happen on every change (the forwarding events) has one
 * place to live. Writes need the ADMIN role.
 *
 * <p>Members handed out are detached copies: changing one changes nothing until it is passed back to
 * {@link #update}. Validation happens here, before any SQL, against the constraints on {@link Member};
 * the database's own constraints catch only what races past (two saves of the same email at once).
 */
@Service
@Transactional(readOnly = true)
public class MemberService {

    /** Name of the unique index on lower(email) in V2__members.sql. */
    static final String EMAIL_INDEX = "members_email_lower_key";

    private final MemberRepository repository;
    private final Validator validator;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    MemberService(MemberRepository repository, Validator validator, Clock clock, ApplicationEventPublisher events) {
        this.repository = repository;
        this.validator = validator;
        this.clock = clock;
        this.events = events;
    }

    /** One page of members matching the filter, in the pageable's order (ties broken by id). */
    public List<Member> list(MemberFilter filter, Pageable pageable) {
        Sort sort = pageable.getSort().getOrderFor("id") == null
                ? pageable.getSort().and(Sort.by("id"))
                : pageable.getSort();
        Pageable stable = PageRequest.of(pageable.getPageNumber(), pageable.getPageSize(), sort);
        return repository.findBy(filter.toSpecification(), query -> query.slice(stable)).getContent();
    }

    /** How many members match the filter. */
    public long count(MemberFilter filter) {
        return repository.count(filter.toSpecification());
    }

    public Optional<Member> find(long id) {
        return repository.findById(id);
    }

    /** Stores a new member; its id, timestamps and version are assigned here. */
    @Transactional
    @PreAuthorize("hasRole('ADMIN')")
    public Member create(Member draft) {
        if (!draft.isNew()) {
            throw new IllegalArgumentException("create() takes a new member; use update() for " + draft);
        }
        Member member = new Member();
        member.copyDetailsFrom(draft);
        validate(member);
        rejectTakenEmail(member.getEmail(), null);
        member.stampCreated(now());
        Member created = flushed(member.getEmail(), () -> repository.saveAndFlush(member));
        events.publishEvent(MemberChanged.created(created, CurrentUser.name()));
        return created;
    }

    /**
     * Replaces the editable properties of member {@code id} with those of {@code changes}, provided
     * nobody saved it since the caller read {@code expectedVersion}; otherwise nothing is saved and
     * {@link MemberChangedMeanwhileException} says so.
     */
    @Transactional
    @PreAuthorize("hasRole('ADMIN')")
    public Member update(long id, long expectedVersion, Member changes) {
        Member member = repository.findById(id).orElseThrow(() -> new MemberNotFoundException(id));
        if (member.getVersion() != expectedVersion) {
            throw new MemberChangedMeanwhileException(id, expectedVersion, member.getVersion());
        }
        var before = MemberChanged.fieldsOf(member);
        // Check on a detached copy: a query against a dirty managed member would flush it first.
        Member candidate = member.copy();
        candidate.copyDetailsFrom(changes);
        validate(candidate);
        rejectTakenEmail(candidate.getEmail(), id);
        member.copyDetailsFrom(candidate);
        member.stampUpdated(now());
        try {
            Member updated = flushed(member.getEmail(), () -> repository.saveAndFlush(member));
            events.publishEvent(MemberChanged.updated(before, updated, CurrentUser.name()));
            return updated;
        } catch (OptimisticLockingFailureException savedConcurrently) {
            throw new MemberChangedMeanwhileException(id, expectedVersion, null);
        }
    }

    /** Deletes member {@code id}, or says it is already gone. */
    @Transactional
    @PreAuthorize("hasRole('ADMIN')")
    public void delete(long id) {
        Member member = repository.findById(id).orElseThrow(() -> new MemberNotFoundException(id));
        try {
            repository.delete(member);
            repository.flush();
            events.publishEvent(MemberChanged.deleted(member, CurrentUser.name(), now()));
        } catch (OptimisticLockingFailureException goneOrChangedConcurrently) {
            throw new MemberNotFoundException(id);
        }
    }

    private void validate(Member member) {
        Set<ConstraintViolation<Member>> violations = validator.validate(member);
        if (!violations.isEmpty()) {
            throw new InvalidMemberException(violations.stream()
                    .map(v -> new InvalidMemberException.FieldError(v.getPropertyPath().toString(), v.getMessage()))
                    .sorted(Comparator.comparing(InvalidMemberException.FieldError::field)
                            .thenComparing(InvalidMemberException.FieldError::message))
                    .toList());
        }
    }

    private void rejectTakenEmail(String email, Long exceptId) {
        boolean taken = exceptId == null
                ? repository.emailTaken(email)
                : repository.emailTakenByAnother(email, exceptId);
        if (taken) {
            throw new DuplicateEmailException(email);
        }
    }

    /** Runs a flushing save, turning a lost race on the email index into the same error as the check. */
    private Member flushed(String email, Supplier<Member> save) {
        try {
            return save.get();
        } catch (DataIntegrityViolationException e) {
            if (violatesEmailIndex(e)) {
                throw new DuplicateEmailException(email);
            }
            throw e;
        }
    }

    private static boolean violatesEmailIndex(DataIntegrityViolationException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConstraintViolationException violation
                    && EMAIL_INDEX.equals(violation.getConstraintName())) {
                return true;
            }
        }
        return false;
    }

    /** PostgreSQL keeps microseconds; truncating here makes the returned member equal the stored one. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}

package memberstream.member;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import memberstream.security.CurrentUser;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.query.NativeQuery;
import org.hibernate.type.StandardBasicTypes;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;
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

    /** Up to this many matches {@link #countAbout} counts; above it, it estimates. */
    public static final long EXACT_COUNT_LIMIT = 1_000;

    /**
     * A search the planner expects to match at least this many members is not counted: {@link #countAbout}
     * answers "about" the estimate at once, as it would have after reading past {@link #EXACT_COUNT_LIMIT}
     * matches (at a million members, reading a thousand matches of a fragment one member in sixteen bears is
     * sixteen thousand rows, most of the request's time). Ten times the limit: the estimate comes from a
     * histogram of 1,000 values (V77), so it means about ten of them matched, and a fragment that few members
     * bear is in it about once.
     */
    static final long TRUSTED_ESTIMATE = 10 * EXACT_COUNT_LIMIT;

    /** At most this many members in sort order are walked to find a page of a common search (see list). */
    static final int WALK_ROWS = 2_000;

    /**
     * Searches the planner expects to match more than this many members are looked for by the walk first
     * (see listing). Twice the count limit: the estimate of a fragment seen once in the histogram is about
     * 1,100 at a million members, and such a fragment matches a few hundred.
     */
    static final long WALK_FIRST_ESTIMATE = 2 * EXACT_COUNT_LIMIT;

    /**
     * How long the last step of a search (see listing) may take: it reads all matches, or walks the sort
     * index until a page is found, which for a common fragment sitting far down the order costs the size of
     * the table. Past this the request fails with {@link MemberSearchTooBroadException} (a 422 in the API).
     */
    public static final Duration SORT_MATCHES_TIMEOUT = Duration.ofSeconds(2);

    /** PostgreSQL's "canceling statement due to statement timeout". */
    private static final String QUERY_CANCELED = "57014";

    /** Searches expected to match at most this many members are sorted from their matches (see list). */
    static final long SORT_MATCHES_LIMIT = 50_000;

    private static final Pattern PLAN_ROWS = Pattern.compile("rows=(\\d+)");

    private final MemberRepository repository;
    private final EntityManager entityManager;
    private final JdbcTemplate jdbc;
    private final Validator validator;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    MemberService(MemberRepository repository, EntityManager entityManager, JdbcTemplate jdbc, Validator validator,
                  Clock clock, ApplicationEventPublisher events) {
        this.repository = repository;
        this.entityManager = entityManager;
        this.jdbc = jdbc;
        this.validator = validator;
        this.clock = clock;
        this.events = events;
    }

    /**
     * One page of members matching the filter, in the pageable's order (ties broken by id, in the
     * direction of the last order). Deep pages cost their offset; {@link #list(MemberFilter, Sort,
     * MemberCursor, long, int)} does not.
     */
    public List<Member> list(MemberFilter filter, Pageable pageable) {
        return list(filter, pageable.getSort(), null, pageable.getOffset(), pageable.getPageSize());
    }

    /**
     * Up to {@code limit} members matching the filter in {@code sort} order, starting after
     * {@code after} (null: at the first) and skipping {@code skip}: with a cursor the database seeks
     * to it through an index, so a page deep in the list costs what the first costs. A cursor needs a
     * {@link #seekable} sort.
     */
    public List<Member> list(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit) {
        return listing(filter, sort, after, skip, limit).members();
    }

    /**
     * As {@link #list(MemberFilter, Sort, MemberCursor, long, int)}, with the count of all matches when
     * finding the page already established it (a search with at most {@link #EXACT_COUNT_LIMIT} matches,
     * listed from the start), so that the caller need not count them again.
     *
     * <p>A search takes a page in up to three bounded steps, in an order the planner's estimate of its
     * matches decides (an EXPLAIN: no rows read). Expected rare, the usual case while typing: first its
     * matches through the trigram indexes, at most 1,001 of them, sorted; there were at most 1,000, so the
     * page and the count are exact. Expected common: first a walk of at most {@link #WALK_ROWS} rows of the
     * sort index, which finds the page when the matches are spread through the order (a common fragment's
     * usual case), at a cost that follows the page, not the table; the trigram probe would read 1,001
     * matches, and without the index (the planner's choice for a common fragment) scan the table until it
     * found them. Only when both come back short are all matches found and sorted (step three). Before
     * these, a one-word fragment listed by name is read off the word index ({@link MemberWords}), and a fragment
     * across a separator off the word tails ({@link MemberWordTails}), where they can answer it.
     */
    public MemberListing listing(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit) {
        return listing(filter, sort, after, skip, limit, true);
    }

    /**
     * As {@link #list(MemberFilter, Sort, MemberCursor, long, int)}, but a search's last step runs without
     * {@link #SORT_MATCHES_TIMEOUT}: for the CSV export, which is to write every match however long it takes
     * (its request streams, it is no keystroke in a search box).
     */
    public List<Member> listWithoutTimeout(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit) {
        return listing(filter, sort, after, skip, limit, false).members();
    }

    private MemberListing listing(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit,
                                  boolean bounded) {
        planForTheseValues();
        if (filter.search() == null || filter.search().isBlank()) {
            return new MemberListing(members(MemberSql.page(filter, sort, after, skip, limit)), null);
        }
        // A fragment inside one word, listed by name: the word index has the page at the cursor (V90).
        List<String> words = MemberSql.byName(sort) ? wordsToSeek(jdbc, filter) : null;
        if (words != null) {
            if (words.isEmpty()) {
                return new MemberListing(List.of(), new MemberCount(0, true));
            }
            jdbc.execute("set local enable_bitmapscan = off");
            List<Member> page = members(MemberSql.pageByWords(filter, sort, after, skip, limit, words));
            jdbc.execute("set local enable_bitmapscan = on");
            return new MemberListing(page, null);
        }
        // A fragment across a separator, from a word on: the word tails have exactly its matches (V95).
        List<MemberWordTails.Range> tails = MemberWordTails.rangesToSeek(jdbc, filter);
        if (tails != null) {
            MemberListing found = amongTails(filter, sort, after, skip, limit, tails);
            if (found != null) {
                return found;
            }
        }
        // A fragment shorter than a trigram has no index to find matches by (a probe would scan the table).
        boolean trigrams = filter.search().strip().length() >= 3;
        long expected = estimate(jdbc, filter);
        boolean walkFirst = !trigrams || expected > WALK_FIRST_ESTIMATE;
        if (!walkFirst) {
            List<Object[]> rows = rows(MemberSql.pageAmongMatches(filter, sort, after, skip, limit,
                    (int) EXACT_COUNT_LIMIT + 1), "matched");
            long matched = rows.isEmpty() ? 0 : ((Number) rows.get(0)[1]).longValue();
            boolean few = rows.isEmpty() ? skip == 0 : matched <= EXACT_COUNT_LIMIT;
            if (few) {
                // Without a cursor the probe looked at every match: their number is the exact count.
                MemberCount count = after == null ? new MemberCount(matched, true) : null;
                return new MemberListing(rows.stream().map(row -> (Member) row[0]).toList(), count);
            }
        }
        // A common search: a page of its matches usually lies within the first rows in sort order, read off
        // the sort index; that walk is bounded, so its cost follows the page, not the table.
        List<Member> walked = members(MemberSql.pageWithinWalk(filter, sort, after, skip, limit, WALK_ROWS));
        if (walked.size() >= limit) {
            return new MemberListing(walked, null);
        }
        // Its matches sit far down the sort index (a surname in a list sorted by first name). Up to
        // SORT_MATCHES_LIMIT expected matches, finding them all by trigrams and sorting is bounded, where
        // walking the sort index on until the page is full can read most of it.
        boolean sortMatches = expected <= SORT_MATCHES_LIMIT;
        if (sortMatches) {
            jdbc.execute("set local enable_indexscan = off");
        }
        if (bounded) {
            jdbc.execute("set local statement_timeout = " + SORT_MATCHES_TIMEOUT.toMillis());
        }
        List<Member> page;
        try {
            page = members(MemberSql.page(filter, sort, after, skip, limit));
        } catch (RuntimeException e) {
            // The transaction is aborted now; it rolls back as this exception leaves the method.
            throw timedOut(e) ? new MemberSearchTooBroadException(filter.search(), SORT_MATCHES_TIMEOUT) : e;
        }
        if (bounded) {
            jdbc.execute("set local statement_timeout to default");
        }
        if (sortMatches) {
            jdbc.execute("set local enable_indexscan = on");
        }
        return new MemberListing(page, null);
    }

    /**
     * The page among the members the word tails in {@code ranges} name, with the exact count when listed from
     * the start; null when they cannot tell (more than {@link MemberWordTails#MAX_ENTRIES} tails, or an empty
     * page past a cursor or of a role or status, which more tails might have filled).
     */
    private MemberListing amongTails(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit,
                                     List<MemberWordTails.Range> ranges) {
        if (ranges.isEmpty()) {
            // No word ends with the fragment's first piece: nobody matches.
            return new MemberListing(List.of(), new MemberCount(0, true));
        }
        List<Object[]> rows = rows(MemberSql.pageAmongTails(filter, sort, after, skip, limit, ranges,
                MemberWordTails.MAX_ENTRIES), "entries", "matched");
        if (rows.isEmpty()) {
            // Without cursor, offset, role or status, any tail read would have given a member: there were none.
            boolean none = after == null && skip == 0 && filter.role() == null && filter.status() == null;
            return none ? new MemberListing(List.of(), new MemberCount(0, true)) : null;
        }
        if (((Number) rows.get(0)[1]).longValue() >= MemberWordTails.MAX_ENTRIES) {
            return null;
        }
        long matched = ((Number) rows.get(0)[2]).longValue();
        return new MemberListing(rows.stream().map(row -> (Member) row[0]).toList(),
                after == null ? new MemberCount(matched, true) : null);
    }

    /** Whether {@code e} is PostgreSQL cancelling a statement past its statement_timeout. */
    static boolean timedOut(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && QUERY_CANCELED.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Rows of {@code m.*} and long {@code scalars}: the member, then each scalar in order. */
    @SuppressWarnings("unchecked")
    private List<Object[]> rows(MemberSql.Statement statement, String... scalars) {
        NativeQuery<Object[]> query = entityManager.createNativeQuery(statement.sql()).unwrap(NativeQuery.class);
        query.addEntity("m", Member.class);
        for (String scalar : scalars) {
            query.addScalar(scalar, StandardBasicTypes.LONG);
        }
        for (int i = 0; i < statement.parameters().size(); i++) {
            query.setParameter(i + 1, statement.parameters().get(i));
        }
        return query.getResultList();
    }

    @SuppressWarnings("unchecked")
    private List<Member> members(MemberSql.Statement statement) {
        Query query = entityManager.createNativeQuery(statement.sql(), Member.class);
        for (int i = 0; i < statement.parameters().size(); i++) {
            query.setParameter(i + 1, statement.parameters().get(i));
        }
        return query.getResultList();
    }

    /** Whether lists in this order can continue from a {@link MemberCursor}: all orders run one way. */
    public static boolean seekable(Sort sort) {
        return MemberSql.seekable(sort);
    }

    /** How many members match the filter, exactly (costs a scan of them all: prefer {@link #countAbout}). */
    public long count(MemberFilter filter) {
        return repository.count(filter.toSpecification());
    }

    /**
     * How many members match: exact up to {@link #EXACT_COUNT_LIMIT}, else "about" the planner's estimate
     * (at least the limit). Bounded cost: the count stops at the limit, so a common search reads at most
     * that many of its matches, at a million members as at a thousand; one expected to match at least
     * {@link #TRUSTED_ESTIMATE} reads none.
     */
    public MemberCount countAbout(MemberFilter filter) {
        planForTheseValues();
        return countAbout(jdbc, filter);
    }

    /** {@link #countAbout(MemberFilter)} on {@code jdbc}'s connection, which plans for these values. */
    static MemberCount countAbout(JdbcTemplate jdbc, MemberFilter filter) {
        List<String> words = wordsToSeek(jdbc, filter);
        if (words != null && words.isEmpty()) {
            return new MemberCount(0, true);
        }
        MemberCount byTails = words == null ? MemberWordTails.count(jdbc, filter) : null;
        if (byTails != null) {
            return byTails;
        }
        // Without the word index a count looks for the matches row by row: not when there are surely many.
        long expected = words == null ? estimate(jdbc, filter) : -1;
        if (expected >= TRUSTED_ESTIMATE) {
            return new MemberCount(expected, false);
        }
        // The word index counts a one-word fragment's matches by reading them, not by looking for them.
        MemberSql.Statement statement = words != null
                ? MemberSql.countByWordsUpTo(filter, words, EXACT_COUNT_LIMIT + 1)
                : MemberSql.countUpTo(filter, EXACT_COUNT_LIMIT + 1);
        if (words != null) {
            jdbc.execute("set local enable_bitmapscan = off");
        }
        Long counted = jdbc.queryForObject(statement.sql(), Long.class, statement.parameters().toArray());
        if (words != null) {
            jdbc.execute("set local enable_bitmapscan = on");
        }
        long matching = counted == null ? 0 : counted;
        return matching <= EXACT_COUNT_LIMIT
                ? new MemberCount(matching, true)
                : new MemberCount(Math.max(expected >= 0 ? expected : estimate(jdbc, filter, words), matching), false);
    }

    /**
     * The same SQL serves every search, and after five runs PostgreSQL may switch a prepared statement
     * to a generic plan, made for "some pattern": one that walks a whole sort index looking for a rare
     * name. A plan for the actual fragment and cursor costs a fraction of a millisecond to make.
     * SET LOCAL: until this (read-only) transaction ends, on its connection only.
     */
    private void planForTheseValues() {
        jdbc.execute("set local plan_cache_mode = force_custom_plan");
    }

    /**
     * The words of the word index (V90, {@link MemberWords}) whose members are exactly the filter's
     * search's matches: none if nobody matches; null if the index cannot answer this search (no search, a
     * fragment with a separator or under three characters, or one inside more than
     * {@link MemberWords#MAX_WORDS} words). Its statements run with bitmap scans off: a word's members
     * are to be read in name order, as far as the page needs, and a bitmap scan would read them all to
     * sort them (the planner's choice when it takes a common word for a rare one).
     */
    static List<String> wordsToSeek(JdbcTemplate jdbc, MemberFilter filter) {
        String fragment = MemberWords.wordFragment(filter);
        return fragment == null ? null : MemberWords.containing(jdbc, fragment);
    }

    /** The planner's estimate of how many members match (no rows are read). */
    static long estimate(JdbcTemplate jdbc, MemberFilter filter) {
        return planRows(jdbc, MemberSql.explainMatching(filter));
    }

    /**
     * As {@link #estimate(JdbcTemplate, MemberFilter)}, for a search the word index answers with {@code words}:
     * without role or status, from the word index's statistics, a row a member and word; the LIKE's estimate adds
     * a name's matches to the same member's email's (an "okafor" in both) and reads up to twice the truth.
     */
    static long estimate(JdbcTemplate jdbc, MemberFilter filter, List<String> words) {
        boolean wordsAlone = words != null && !words.isEmpty() && filter.role() == null && filter.status() == null;
        return wordsAlone ? planRows(jdbc, MemberSql.explainWordMembers(words)) : estimate(jdbc, filter);
    }

    /** The rows EXPLAIN's first line expects ("rows=N"). */
    private static long planRows(JdbcTemplate jdbc, MemberSql.Statement statement) {
        List<String> plan = jdbc.queryForList(statement.sql(), String.class, statement.parameters().toArray());
        Matcher rows = PLAN_ROWS.matcher(plan.isEmpty() ? "" : plan.get(0));
        return rows.find() ? Long.parseLong(rows.group(1)) : 0;
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

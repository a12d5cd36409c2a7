package memberstream.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import memberstream.MigratedDatabase;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The members list's SQL ({@link MemberSql}) against the real PostgreSQL the console embeds, migrated by
 * the real migrations, with 120,000 members: enough that without an index the planner would scan the
 * table or sort it. Every plan must come from an index (no Seq Scan on members, and for a sorted page
 * no Sort node), and keyset pages must be exactly the OFFSET pages.
 */
class MemberIndexTest {

    private static final int MEMBERS = 120_000;
    private static final int PAGE = 211;
    private static final Pattern SORT_NODE = Pattern.compile("(?m)^\\s*(->\\s+)?(Incremental )?Sort\\b");

    @AutoClose
    private static MigratedDatabase database;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void startAndFill() throws Exception {
        // Filled before V50 and indexed after, as an installation upgrading with its members would be
        // (and building the indexes once is much faster than keeping them up row by row).
        database = MigratedDatabase.startAt("30");
        jdbc = database.jdbc();
        MemberSeed.insert(jdbc, 1, MEMBERS);
        database.migrate();
        jdbc.execute("analyze members");
        // As MemberService does: a plan for these values, never a generic one for "some pattern".
        jdbc.execute("set plan_cache_mode = force_custom_plan");
    }

    @Test
    void theEmbeddedPostgresCarriesPgTrgmAndTheMigrationMadeItsIndexes() {
        assertThat(jdbc.queryForList("select extname from pg_extension", String.class)).contains("pg_trgm");
        assertThat(jdbc.queryForList("select indexname from pg_indexes where tablename = 'members'", String.class))
                .contains("members_full_name_trgm_idx", "members_email_trgm_idx");
    }

    @Test
    void searchByANameFragmentUsesTheTrigramIndexes() {
        for (String fragment : List.of("Bergstr", "dvořák 77", "zoë okafor", "ERMANN 123")) {
            MemberFilter filter = new MemberFilter(fragment, null, null);
            String countPlan = explain(MemberSql.countUpTo(filter, MemberService.EXACT_COUNT_LIMIT + 1));
            assertThat(countPlan).as(fragment).doesNotContain("Seq Scan").contains("members_full_name_trgm_idx");
            assertIndexedPage(filter, Sort.by("fullName"));
        }
    }

    @Test
    void searchByAnEmailFragmentUsesTheTrigramIndexes() {
        for (String fragment : List.of("yusuf.xu.", "@lab.test", "smith.4711", "ANDS.9")) {
            MemberFilter filter = new MemberFilter(fragment, null, null);
            String countPlan = explain(MemberSql.countUpTo(filter, MemberService.EXACT_COUNT_LIMIT + 1));
            assertThat(countPlan).as(fragment).doesNotContain("Seq Scan").contains("members_email_trgm_idx");
            assertIndexedPage(filter, Sort.by("email"));
        }
    }

    @Test
    void searchMatchesCaseInsensitivelyAndKeepsAccentsAsTyped() {
        long exact = count(new MemberFilter("Chloé", null, null));
        assertThat(exact).isEqualTo(MEMBERS / 32);
        assertThat(count(new MemberFilter("CHLOÉ", null, null))).isEqualTo(exact);
        // As before issue 13: no accent folding, so "chloe" finds the emails (written without accents) only.
        assertThat(count(new MemberFilter("chloe", null, null))).isEqualTo(exact);
        assertThat(count(new MemberFilter("chloe m", null, null))).isZero();
        assertThat(count(new MemberFilter("CHLOÉ M", null, null))).isPositive();
    }

    @Test
    void aSearchExpectedToMatchFewIsSortedFromItsMatchesNotByWalkingTheSortIndex() {
        // "Okafor" members sit far down the name index (their first names run A to Z); with index scans
        // off, as MemberService sets them for such a search, the page comes from the trigram matches.
        MemberFilter filter = new MemberFilter("okafor", null, null);
        jdbc.execute("set enable_indexscan = off");
        try {
            String plan = explain(MemberSql.page(filter, Sort.by("fullName"), null, 0, 20));
            assertThat(plan).contains("members_full_name_trgm_idx").doesNotContain("Seq Scan");
        } finally {
            jdbc.execute("set enable_indexscan = on");
        }
    }

    @Test
    void aCommonSearchIsFirstLookedForWithinABoundedWalkOfTheSortIndex() {
        MemberFilter okafor = new MemberFilter("okafor", null, null);
        int probe = (int) MemberService.EXACT_COUNT_LIMIT + 1;
        // First the page among the first matches found: a rare search has them all, and its page is exact.
        for (String fragment : List.of("dvořák 77", "zoë okafor 12", "smith.40")) {
            MemberFilter rare = new MemberFilter(fragment, null, null);
            MemberSql.Statement among = MemberSql.pageAmongMatches(rare, Sort.by("fullName"), null, 0, 20, probe);
            assertThat(explain(among)).as(fragment).doesNotContain("Seq Scan").contains("_trgm_idx");
            List<Map<String, Object>> rows = jdbc.queryForList(among.sql(), among.parameters().toArray());
            assertThat(rows).as(fragment).isNotEmpty();
            assertThat(((Number) rows.get(0).get("matched")).longValue()).as(fragment).isEqualTo(count(rare));
            assertThat(rows.stream().map(row -> ((Number) row.get("id")).longValue()).toList())
                    .isEqualTo(ids(MemberSql.page(rare, Sort.by("fullName"), null, 0, 20)));
        }
        MemberSql.Statement amongOkafor = MemberSql.pageAmongMatches(okafor, Sort.by("fullName"), null, 0, 20, probe);
        assertThat(jdbc.queryForList(amongOkafor.sql(), amongOkafor.parameters().toArray()).get(0).get("matched"))
                .as("a common search stops at the probe").isEqualTo((long) probe);

        int full = 0;
        for (Sort sort : List.of(Sort.by("id"), Sort.by(Sort.Direction.DESC, "joinedOn"), Sort.by("fullName"),
                Sort.by(Sort.Direction.DESC, "email"))) {
            long thousandth = ids(MemberSql.page(MemberFilter.NONE, sort, null, 999, 1)).get(0);
            for (MemberCursor after : java.util.Arrays.asList(null, cursorAfter(thousandth, sort))) {
                MemberSql.Statement walk = MemberSql.pageWithinWalk(okafor, sort, after, 0, 20, MemberService.WALK_ROWS);
                String plan = explain(walk);
                assertThat(plan).as("%s %s", sort, after).doesNotContain("Seq Scan").doesNotContain("_trgm_idx")
                        .containsPattern("Index Scan( Backward)? using (members_pkey|members_\\w+_idx)");
                assertThat(SORT_NODE.matcher(plan).find()).as("%s %s sorts:%n%s", sort, after, plan).isFalse();
                assertThat(walkedRows(walk)).as("%s %s", sort, after).isLessThanOrEqualTo(MemberService.WALK_ROWS);
                List<Long> walked = ids(walk);
                List<Long> page = ids(MemberSql.page(okafor, sort, after, 0, 20));
                if (walked.size() == 20) {
                    full++;
                    assertThat(walked).as("%s %s", sort, after).isEqualTo(page);
                } else {
                    assertThat(page).as("%s %s", sort, after).containsAll(walked);
                }
            }
        }
        // By id and by join date the Okafors are spread evenly and a page is found within the walk; by name
        // they sit behind every "Ada A..." to "Ada N...": the walk comes back short and the list sorts matches.
        assertThat(full).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aOneWordSearchByNameSeeksTheWordIndexForAboutThePagesRows() {
        // V90 filled the word index from the members already there (an upgrade).
        assertThat(jdbc.queryForList("select indexname from pg_indexes where tablename like 'member_word%'",
                String.class)).contains("member_words_pkey", "member_word_list_pkey", "member_word_list_trgm_idx");
        // As MemberService runs the word path's statements.
        jdbc.execute("set enable_bitmapscan = off");
        try {
            assertTheWordPathReadsAboutThePage();
        } finally {
            jdbc.execute("set enable_bitmapscan = on");
        }
    }

    private static void assertTheWordPathReadsAboutThePage() {
        MemberFilter okafor = new MemberFilter("okafor", null, null);
        List<String> words = MemberService.wordsToSeek(jdbc, okafor);
        assertThat(words).containsExactly("okafor");
        assertThat(MemberService.wordsToSeek(jdbc, new MemberFilter("kafo", null, null))).containsExactly("okafor");
        for (Sort sort : List.of(Sort.by("fullName"), Sort.by(Sort.Direction.DESC, "fullName"))) {
            // "Ada Okafor" sits 2% down the name order: the walk would not reach it, the word index starts there.
            MemberSql.Statement first = MemberSql.pageByWords(okafor, sort, null, 0, 20, words);
            String plan = explain(first);
            assertThat(plan).as("%s%n%s", sort, plan).contains("member_words_pkey").doesNotContain("Seq Scan");
            // No sort of the word's members; only of the page's 20 rows, once checked against the LIKE.
            assertThat(plan).as("%s sorts:%n%s", sort, plan).doesNotContain("Sort Key: member_words", "Bitmap");
            assertThat(wordRows(first)).as("%s", sort).isBetween(20L, 21L);
            assertThat(ids(first)).isEqualTo(ids(MemberSql.page(okafor, sort, null, 0, 20)));
            List<Long> middle = ids(MemberSql.page(okafor, sort, null, count(okafor) / 2, 1));
            MemberCursor cursor = cursorAfter(middle.get(0), sort);
            MemberSql.Statement deep = MemberSql.pageByWords(okafor, sort, cursor, 0, 20, words);
            assertThat(explain(deep)).contains("member_words_pkey").doesNotContain("Seq Scan");
            assertThat(wordRows(deep)).isBetween(20L, 21L);
            assertThat(ids(deep)).isEqualTo(ids(MemberSql.page(okafor, sort, cursor, 0, 20)));
        }
        // The count reads at most 1,001 of the word's 1,875 members, as they stream (Unique, no hashing all).
        MemberSql.Statement count = MemberSql.countByWordsUpTo(okafor, words, MemberService.EXACT_COUNT_LIMIT + 1);
        assertThat(explain(count)).contains("member_words_pkey", "Unique").doesNotContain("Seq Scan", "HashAggregate");
        assertThat(wordRows(count)).isBetween(1_001L, 1_002L);
    }

    /** Rows read from the word index (all its scans, from EXPLAIN ANALYZE). */
    private static long wordRows(MemberSql.Statement statement) {
        List<String> plan = jdbc.queryForList("explain (analyze, timing off) " + statement.sql(), String.class,
                statement.parameters().toArray());
        return plan.stream().filter(line -> line.contains("member_words_pkey"))
                .map(line -> Pattern.compile("actual rows=(\\d+) loops=(\\d+)").matcher(line))
                .filter(java.util.regex.Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1)) * Long.parseLong(m.group(2))).sum();
    }

    @Test
    void aFragmentAcrossASeparatorIsReadOffTheWordTailsAndOnlyThePagesMembers() throws Exception {
        // V95 filled the word tails from the members already there (an upgrade).
        assertThat(jdbc.queryForList("select indexname from pg_indexes where tablename = 'member_word_tails'",
                String.class)).containsExactly("member_word_tails_pkey");
        jdbc.execute("vacuum member_word_tails");
        // A Zoë Kim is one member in 2,048 (clustered seed): about 58 of 120,000, all in the 'zoe.kim.' range.
        MemberFilter zoeKim = new MemberFilter("zoe.kim.", null, null);
        long matches = count(zoeKim);
        assertThat(matches).isBetween(50L, 70L);
        List<MemberWordTails.Range> ranges = MemberWordTails.rangesToSeek(jdbc, zoeKim);
        assertThat(ranges).containsExactly(new MemberWordTails.Range("zoe.kim.", "zoe.kim/"));
        for (Sort sort : List.of(Sort.by("fullName"), Sort.by(Sort.Direction.DESC, "fullName"))) {
            MemberSql.Statement page = MemberSql.pageAmongTails(zoeKim, sort, null, 0, 20, ranges,
                    MemberWordTails.MAX_ENTRIES);
            String plan = explain(page);
            assertThat(plan).as("%s%n%s", sort, plan).contains("Index Only Scan using member_word_tails_pkey")
                    .doesNotContain("Seq Scan", "Bitmap", "trgm");
            long[] read = new long[1];
            List<Long> ids = readingMembers(() -> ids(page), read);
            assertThat(ids).isEqualTo(ids(MemberSql.page(zoeKim, sort, null, 0, 20)));
            assertThat(read[0]).as("members rows read for a page of 20 of %d matches", matches).isEqualTo(20);
        }
        long[] read = new long[1];
        MemberCount counted = readingMembers(() -> MemberService.countAbout(jdbc, zoeKim), read);
        assertThat(counted).isEqualTo(new MemberCount(matches, true));
        assertThat(read[0]).as("members rows read to count 'zoe.kim.'").isZero();
        // "eriksen.12345": a word end, then the start of a number: exact, from the tails too.
        MemberFilter rare = new MemberFilter("eriksen.12345", null, null);
        assertThat(readingMembers(() -> MemberService.countAbout(jdbc, rare), read))
                .isEqualTo(new MemberCount(count(rare), true));
        assertThat(read[0]).isEqualTo(0);
    }

    @Test
    void thePlannersEstimateSendsACommonFragmentToTheWalkFirstAndARareOneToTheTrigrams() {
        // V77: a histogram of 1,000 lowered names and emails, so that a surname one member in 64 bears is in it.
        assertThat(jdbc.queryForList("""
                select attstattarget from pg_attribute where attrelid in
                ('members_full_name_trgm_idx'::regclass, 'members_email_trgm_idx'::regclass)""", Integer.class))
                .containsExactly(1000, 1000);
        for (String common : List.of("okafor", "@lab.test", "kim")) {
            assertThat(MemberService.estimate(jdbc, new MemberFilter(common, null, null))).as(common)
                    .isGreaterThan(MemberService.WALK_FIRST_ESTIMATE);
        }
        for (String rare : List.of("dvořák 4711", "eriksen.12345", "smith.40", "zoë okafor 12")) {
            MemberFilter filter = new MemberFilter(rare, null, null);
            assertThat(count(filter)).as(rare).isLessThanOrEqualTo(MemberService.EXACT_COUNT_LIMIT);
            assertThat(MemberService.estimate(jdbc, filter)).as(rare)
                    .isLessThanOrEqualTo(MemberService.WALK_FIRST_ESTIMATE);
        }
    }

    @Test
    void aSearchSurelyMatchingManyIsCountedByTheEstimateWithoutReadingItsMatches() throws Exception {
        // ".test": half the emails (8 of 16 domains), 60,000 members, far above what the count reads.
        MemberFilter common = new MemberFilter(".test", null, null);
        long expected = MemberService.estimate(jdbc, common);
        assertThat(expected).isGreaterThanOrEqualTo(MemberService.TRUSTED_ESTIMATE);
        long[] read = new long[1];
        MemberCount count = readingMembers(() -> MemberService.countAbout(jdbc, common), read);
        assertThat(count).isEqualTo(new MemberCount(expected, false));
        assertThat(read[0]).as("members rows read to count '.test'").isZero();

        // "@lab.test": 7,500 members, fewer than the estimate trusted: counted, as far as the limit.
        MemberFilter fewer = new MemberFilter("@lab.test", null, null);
        assertThat(MemberService.estimate(jdbc, fewer)).isLessThan(MemberService.TRUSTED_ESTIMATE);
        count = readingMembers(() -> MemberService.countAbout(jdbc, fewer), read);
        assertThat(count.exact()).isFalse();
        assertThat(count.value()).isGreaterThan(MemberService.EXACT_COUNT_LIMIT);
        assertThat(read[0]).as("members rows read to count '@lab.test'")
                .isGreaterThan(MemberService.EXACT_COUNT_LIMIT);

        MemberFilter rare = new MemberFilter("eriksen.12345", null, null);
        assertThat(MemberService.countAbout(jdbc, rare)).isEqualTo(new MemberCount(count(rare), true));
    }

    /** Runs {@code reading} in one transaction and puts the members rows it read, as PostgreSQL counts them, in read[0]. */
    private static <T> T readingMembers(java.util.concurrent.Callable<T> reading, long[] read)
            throws Exception {
        java.sql.Connection connection = database.dataSource().getConnection();
        connection.setAutoCommit(false);
        try {
            String rowsRead = "select coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0)"
                    + " from pg_stat_xact_user_tables where relname = 'members'";
            Long before = jdbc.queryForObject(rowsRead, Long.class);
            T result = reading.call();
            read[0] = jdbc.queryForObject(rowsRead, Long.class) - before;
            return result;
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    @Test
    void aSearchSortedPastItsTimeoutIsRecognisedAsOne() {
        // "@lab.test" sorted by name, in this layout: its matches (all Priyas and Fatimas) start a third of the
        // way down the name index, so the page is only found after walking it, or after reading every match.
        MemberFilter filter = new MemberFilter("@lab.test", null, null);
        MemberSql.Statement page = MemberSql.page(filter, Sort.by("fullName"), null, 0, 20);
        jdbc.execute("set statement_timeout = 1");
        try {
            assertThatThrownBy(() -> jdbc.queryForList(page.sql(), page.parameters().toArray()))
                    .satisfies(e -> assertThat(MemberService.timedOut(e)).as("%s", e).isTrue());
        } finally {
            resetStatementTimeout();
        }
        assertThat(MemberService.timedOut(new IllegalStateException(new java.sql.SQLException("other", "23505"))))
                .isFalse();
        assertThat(ids(page)).hasSize(20);
    }

    @Test
    void everySortableColumnEitherWayIsReadOffAnIndexAtTheFirstAndADeepPage() {
        for (String property : MemberSql.COLUMNS.keySet()) {
            for (Sort.Direction direction : Sort.Direction.values()) {
                assertIndexedPage(MemberFilter.NONE, Sort.by(direction, property));
            }
        }
    }

    @Test
    void filtersByRoleAndStatusAreReadOffAnIndexToo() {
        assertIndexedPage(new MemberFilter(null, MemberRole.BOARD, null), Sort.by("fullName"));
        assertIndexedPage(new MemberFilter(null, null, MemberStatus.LEFT), Sort.by(Sort.Direction.DESC, "joinedOn"));
        assertIndexedPage(new MemberFilter("okafor", MemberRole.STAFF, MemberStatus.ACTIVE), Sort.by("role"));
    }

    @Test
    void keysetPagesAreTheOffsetPagesWithNoGapOrDuplicate() {
        List<MemberFilter> filters = List.of(new MemberFilter("okafor", null, null),
                new MemberFilter("kim", null, MemberStatus.ACTIVE));
        for (MemberFilter filter : filters) {
            for (String property : MemberSql.COLUMNS.keySet()) {
                for (Sort.Direction direction : Sort.Direction.values()) {
                    Sort sort = Sort.by(direction, property);
                    List<Long> all = ids(MemberSql.page(filter, sort, null, 0, MEMBERS));
                    assertThat(all).hasSizeGreaterThan(300).doesNotHaveDuplicates();
                    List<Long> walked = new ArrayList<>();
                    MemberCursor after = null;
                    for (int page = 0; ; page++) {
                        List<Long> byCursor = ids(MemberSql.page(filter, sort, after, 0, PAGE));
                        List<Long> byOffset = ids(MemberSql.page(filter, sort, null, (long) page * PAGE, PAGE));
                        assertThat(byCursor).as("%s %s page %d", filter, sort, page).isEqualTo(byOffset);
                        if (byCursor.isEmpty()) {
                            break;
                        }
                        walked.addAll(byCursor);
                        after = cursorAfter(byCursor.get(byCursor.size() - 1), sort);
                    }
                    assertThat(walked).as("%s %s", filter, sort).isEqualTo(all);
                }
            }
        }
    }

    @Test
    void aCursorSurvivesItsTextForm() {
        Sort sort = Sort.by(Sort.Direction.DESC, "createdAt");
        List<Long> first = ids(MemberSql.page(MemberFilter.NONE, sort, null, 0, 10));
        MemberCursor after = cursorAfter(first.get(9), sort);
        assertThat(MemberCursor.decode(after.encode(), sort)).isEqualTo(after);
        assertThat(ids(MemberSql.page(MemberFilter.NONE, sort, MemberCursor.decode(after.encode(), sort), 0, 10)))
                .isEqualTo(ids(MemberSql.page(MemberFilter.NONE, sort, null, 10, 10)));
    }

    /**
     * The first page and a page sought from a cursor half-way down: no table scan, and no sort but of
     * the few rows a search found through its trigram index.
     */
    private static void assertIndexedPage(MemberFilter filter, Sort sort) {
        String first = explain(MemberSql.page(filter, sort, null, 0, 50));
        assertThat(first).as("%s %s first page", filter, sort).doesNotContain("Seq Scan");
        assertThat(SORT_NODE.matcher(first).find() && !first.contains("_trgm_idx"))
                .as("%s %s first page sorts:%n%s", filter, sort, first).isFalse();
        List<Long> middle = ids(MemberSql.page(filter, sort, null, count(filter) / 2, 1));
        if (!middle.isEmpty()) {
            String deep = explain(MemberSql.page(filter, sort, cursorAfter(middle.get(0), sort), 0, 50));
            assertThat(deep).as("%s %s deep page", filter, sort).doesNotContain("Seq Scan");
            assertThat(SORT_NODE.matcher(deep).find() && !deep.contains("_trgm_idx"))
                    .as("%s %s deep page sorts:%n%s", filter, sort, deep).isFalse();
        }
    }

    private static String explain(MemberSql.Statement statement) {
        return jdbc.queryForList("explain " + statement.sql(), String.class, statement.parameters().toArray())
                .stream().collect(Collectors.joining("\n"));
    }

    /** Rows the walk's inner scan returned, from EXPLAIN ANALYZE (the index rows read for the page). */
    private static long walkedRows(MemberSql.Statement statement) {
        List<String> plan = jdbc.queryForList("explain (analyze, timing off) " + statement.sql(), String.class,
                statement.parameters().toArray());
        return plan.stream().filter(line -> line.contains("Index Scan"))
                .map(line -> Pattern.compile("actual rows=(\\d+)").matcher(line))
                .filter(java.util.regex.Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).max().orElseThrow();
    }

    /**
     * Under load even this SET can outlast the 1 ms timeout and be cancelled, which left the shared
     * connection cancelling every later test's statements: so it is tried again until it takes.
     */
    private static void resetStatementTimeout() {
        for (int attempt = 1; ; attempt++) {
            try {
                jdbc.execute("set statement_timeout = 0");
                return;
            } catch (QueryTimeoutException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    private static long count(MemberFilter filter) {
        MemberSql.Statement statement = MemberSql.countUpTo(filter, Long.MAX_VALUE);
        return jdbc.queryForObject(statement.sql(), Long.class, statement.parameters().toArray());
    }

    private static List<Long> ids(MemberSql.Statement statement) {
        return jdbc.query(statement.sql(), (row, n) -> row.getLong("id"), statement.parameters().toArray());
    }

    /** The cursor after member {@code id}, read from its row as the service would from the entity. */
    private static MemberCursor cursorAfter(long id, Sort sort) {
        List<Object> values = new ArrayList<>();
        for (Sort.Order order : MemberSql.orders(sort)) {
            String column = MemberSql.COLUMNS.get(order.getProperty());
            values.add(jdbc.queryForObject("select " + column + " from members where id = ?", (row, n) -> switch (column) {
                case "id" -> row.getLong(1);
                case "joined_on" -> row.getObject(1, LocalDate.class);
                case "created_at", "updated_at" -> row.getObject(1, OffsetDateTime.class).toInstant();
                default -> row.getString(1);
            }, id));
        }
        return MemberCursor.of(values);
    }
}

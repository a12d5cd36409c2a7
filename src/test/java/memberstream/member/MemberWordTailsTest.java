package memberstream.member;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import memberstream.MigratedDatabase;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The word tails (V95, {@link MemberWordTails}, {@link MemberSql#pageAmongTails}) against the real PostgreSQL,
 * members inserted after the migration (its insert trigger filled them): a fragment across a separator gives
 * exactly the page, order and count of today's query ({@link MemberSql#page}, {@link MemberSql#countUpTo}) in
 * every order, with role and status, past a cursor and an offset, also after members are renamed and deleted;
 * and a fragment with more tails than the bound says so instead of answering.
 */
class MemberWordTailsTest {

    private static final int MEMBERS = 12_000;

    /** Word starts and word ends, accents, capitals, LIKE's wildcards, names and emails. */
    private static final List<String> TAIL_FRAGMENTS = List.of("zoe.kim.", "ZOE.KIM", "ima.kim.1", "eriksen.12345",
            "eriksen.1", "ada okafor", "ADA OKAFOR 1", "zoë kim 12", "brien.", "obrien.okafor@", "cent%unal",
            "per%cent ü", "kim.1234@lab.te", "okafor-smith", "ijk@x", "back\\slash", "slash@x.test", "nowhere.x",
            "lab.test", "zoe.", "émile pér", "mile+1_2", "okafor.test");
    /** Fragments the tails leave to the other paths. */
    private static final List<String> OTHER_FRAGMENTS = List.of("okafor", "@lab.test", ".kim.", "oe.kim", "a_b.okafor",
            "ok.", "50% zo", "zoë", "ijk\u00a0nbsp", "\uD83D\uDE00\uD83D\uDE00.a");
    private static final List<Sort> SORTS = List.of(Sort.by("fullName"), Sort.by(Sort.Direction.DESC, "fullName"),
            Sort.by(Sort.Direction.DESC, "joinedOn"), Sort.by("email"));

    @AutoClose
    private static MigratedDatabase database;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void startAndFill() throws Exception {
        database = MigratedDatabase.start();
        jdbc = database.jdbc();
        MemberSeed.insert(jdbc, 1, MEMBERS, MemberSeed.Layout.INDEPENDENT);
        MemberSeed.insertOddNames(jdbc);
        jdbc.execute("analyze members");
        jdbc.execute("analyze member_word_list");
        jdbc.execute("analyze member_word_tails");
        jdbc.execute("set plan_cache_mode = force_custom_plan");
    }

    @Test
    void aTextHasATailFromEachWordOfThreeOrMoreThatASeparatorFollows() {
        assertThat(jdbc.queryForList("select member_word_tails_of(?, ?) order by 1", String.class,
                "Zoë O'Brien 12", "zoe.obrien.12@lab.test"))
                .containsExactly("brien 12", "lab.test", "obrien.12@lab.test", "zoe.obrien.12@lab.test", "zoë o'brien 12");
        assertThat(jdbc.queryForList("select member_word_tails_of(?, ?) order by 1", String.class, "..Ab Abc..dé", "x"))
                .containsExactly("abc..dé");
        // A name equal to its email gives its tails once.
        assertThat(jdbc.queryForList("select member_word_tails_of(?, ?) order by 1", String.class, "Same.Text", "same.text"))
                .containsExactly("same.text");
    }

    @Test
    void aFragmentStartingWithAWordPieceAcrossASeparatorIsAnsweredByTheTails() {
        for (String fragment : TAIL_FRAGMENTS) {
            assertThat(MemberWordTails.rangesToSeek(jdbc, new MemberFilter(fragment, null, null))).as(fragment).isNotNull();
        }
        for (String fragment : OTHER_FRAGMENTS) {
            assertThat(MemberWordTails.rangesToSeek(jdbc, new MemberFilter(fragment, null, null))).as(fragment).isNull();
        }
        assertThat(MemberWordTails.rangesToSeek(jdbc, new MemberFilter("nowhere.x", null, null))).isEmpty();
        assertThat(MemberWordTails.rangesToSeek(jdbc, new MemberFilter(" Zoe.Kim. ", null, null)))
                .containsExactly(new MemberWordTails.Range("zoe.kim.", "zoe.kim/"));
    }

    @Test
    void aRangeHoldsExactlyTheKeysStartingWithItsPrefix() {
        assertThat(MemberWordTails.startingWith("ab")).isEqualTo(new MemberWordTails.Range("ab", "ac"));
        assertThat(MemberWordTails.startingWith("kim.")).isEqualTo(new MemberWordTails.Range("kim.", "kim/"));
        assertThat(MemberWordTails.startingWith("zoë")).isEqualTo(new MemberWordTails.Range("zoë", "zoì"));
        assertThat(MemberWordTails.startingWith("a\uD83D\uDE00"))
                .isEqualTo(new MemberWordTails.Range("a\uD83D\uDE00", "a\uD83D\uDE01"));
        assertThat(MemberWordTails.startingWith("a\uD7FF")).isNull();
        // PostgreSQL's "C" collation orders UTF-8 as code points, so the range is a prefix there too.
        for (String key : List.of("zoë", "zoëa", "zoë\uD83D\uDE00", "zoê", "zoì", "zoé", "zo")) {
            MemberWordTails.Range range = MemberWordTails.startingWith("zoë");
            assertThat(jdbc.queryForObject("select ?::text collate \"C\" >= ? and ?::text collate \"C\" < ?",
                    Boolean.class, key, range.from(), key, range.until())).as(key).isEqualTo(key.startsWith("zoë"));
        }
    }

    @Test
    void pagesOrdersAndCountsAreTodays() {
        assertSameAsToday();
    }

    @Test
    void renamedDeletedAndReinsertedMembersAreFoundAsToday() {
        jdbc.update("update members set full_name = 'Renamed Zoe.Kim ' || id, email = 'quux.' || id || '@x.test'"
                + " where id % 97 = 0");
        jdbc.update("update members set status = 'LEFT' where id % 89 = 0");
        jdbc.update("delete from members where id % 101 = 0");
        jdbc.update("""
                insert into members (full_name, email, role, status, joined_on, created_at, updated_at)
                select 'Late Ada Okafor ' || i, 'zoe.kim.late' || i || '@chloé.test', 'BOARD', 'PENDING',
                       date '2021-01-01', now(), now()
                from generate_series(1, 300) i""");
        assertSameAsToday();
        long stale = jdbc.queryForObject("""
                select count(*) from member_word_tails t
                where not exists (select 1 from members m where m.id = t.member_id and m.full_name = t.full_name)""",
                Long.class);
        assertThat(stale).isZero();
        long missing = jdbc.queryForObject("""
                select count(*) from members m cross join lateral member_word_tails_of(m.full_name, m.email) t
                where not exists (select 1 from member_word_tails w
                                  where w.tail = t and w.full_name = m.full_name and w.member_id = m.id)""", Long.class);
        assertThat(missing).isZero();
    }

    @Test
    void aFragmentWithMoreTailsThanTheBoundSaysSoInsteadOfAnswering() {
        // "lab.test": one email in sixteen, 750 members; ".test" after any of the 16 domains' first words is more.
        MemberFilter many = new MemberFilter("kim.", null, null);
        List<MemberWordTails.Range> ranges = MemberWordTails.rangesToSeek(jdbc, many);
        jdbc.update("""
                insert into members (full_name, email, role, status, joined_on, created_at, updated_at)
                select 'Heavy Kim ' || i, 'kim.heavy' || i || '@x.test', 'MEMBER', 'ACTIVE', date '2020-01-01', now(), now()
                from generate_series(1, 1200) i""");
        try {
            long today = count(MemberSql.countUpTo(many, Long.MAX_VALUE));
            assertThat(today).isGreaterThan(MemberService.EXACT_COUNT_LIMIT);
            Map<String, Object> counted = row(MemberSql.countAmongTails(many, ranges, MemberWordTails.MAX_ENTRIES));
            assertThat(((Number) counted.get("entries")).longValue()).isEqualTo(MemberWordTails.MAX_ENTRIES);
            for (Sort sort : SORTS) {
                MemberSql.Statement page = MemberSql.pageAmongTails(many, sort, null, 0, 20, ranges,
                        MemberWordTails.MAX_ENTRIES);
                List<Map<String, Object>> rows = jdbc.queryForList(page.sql(), page.parameters().toArray());
                assertThat(((Number) rows.get(0).get("entries")).longValue()).as("%s", sort)
                        .isEqualTo(MemberWordTails.MAX_ENTRIES);
            }
        } finally {
            jdbc.update("delete from members where email like 'kim.heavy%'");
        }
    }

    private static void assertSameAsToday() {
        List<MemberFilter> filters = new ArrayList<>();
        for (String fragment : TAIL_FRAGMENTS) {
            filters.add(new MemberFilter(fragment, null, null));
            filters.add(new MemberFilter(fragment, MemberRole.STAFF, null));
            filters.add(new MemberFilter(fragment, null, MemberStatus.LEFT));
        }
        int checked = 0;
        int found = 0;
        for (MemberFilter filter : filters) {
            List<MemberWordTails.Range> ranges = MemberWordTails.rangesToSeek(jdbc, filter);
            long today = count(MemberSql.countUpTo(filter, Long.MAX_VALUE));
            if (ranges.isEmpty()) {
                assertThat(today).as("%s has no tails", filter).isZero();
                continue;
            }
            found += today > 0 ? 1 : 0;
            Map<String, Object> counted = row(MemberSql.countAmongTails(filter, ranges, MemberWordTails.MAX_ENTRIES));
            assertThat(((Number) counted.get("entries")).longValue()).as("entries %s", filter)
                    .isLessThan(MemberWordTails.MAX_ENTRIES);
            assertThat(((Number) counted.get("matching")).longValue()).as("count %s", filter).isEqualTo(today);
            for (Sort sort : SORTS) {
                List<Long> all = ids(MemberSql.page(filter, sort, null, 0, Integer.MAX_VALUE));
                assertAmongTails(filter, sort, null, 0, Integer.MAX_VALUE, ranges, all, today);
                assertAmongTails(filter, sort, null, 0, 17, ranges, ids(MemberSql.page(filter, sort, null, 0, 17)), today);
                assertAmongTails(filter, sort, null, 23, 17, ranges, ids(MemberSql.page(filter, sort, null, 23, 17)), today);
                if (all.size() > 3) {
                    MemberCursor cursor = cursorAfter(all.get(all.size() / 2), sort);
                    List<Long> afterCursor = ids(MemberSql.page(filter, sort, cursor, 0, Integer.MAX_VALUE));
                    assertAmongTails(filter, sort, cursor, 0, 17, ranges, ids(MemberSql.page(filter, sort, cursor, 0, 17)),
                            afterCursor.size());
                    checked++;
                }
            }
        }
        assertThat(found).as("searches with matches").isGreaterThan(15);
        assertThat(checked).as("searches with a page past a cursor").isGreaterThan(20);
    }

    private static void assertAmongTails(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit,
                                         List<MemberWordTails.Range> ranges, List<Long> expected, long matched) {
        MemberSql.Statement statement = MemberSql.pageAmongTails(filter, sort, after, skip, limit, ranges,
                MemberWordTails.MAX_ENTRIES);
        List<Map<String, Object>> rows = jdbc.queryForList(statement.sql(), statement.parameters().toArray());
        assertThat(rows.stream().map(row -> ((Number) row.get("id")).longValue()).toList())
                .as("%s %s after %s skip %d", filter, sort, after, skip).isEqualTo(expected);
        for (Map<String, Object> row : rows) {
            assertThat(((Number) row.get("entries")).longValue()).isLessThan(MemberWordTails.MAX_ENTRIES);
            assertThat(((Number) row.get("matched")).longValue()).as("matched %s %s", filter, sort).isEqualTo(matched);
        }
    }

    private static long count(MemberSql.Statement statement) {
        return jdbc.queryForObject(statement.sql(), Long.class, statement.parameters().toArray());
    }

    private static Map<String, Object> row(MemberSql.Statement statement) {
        return jdbc.queryForMap(statement.sql(), statement.parameters().toArray());
    }

    private static List<Long> ids(MemberSql.Statement statement) {
        return jdbc.query(statement.sql(), (row, n) -> row.getLong("id"), statement.parameters().toArray());
    }

    /** A cursor just after member {@code id} in {@code sort}: the sort's column value and the id. */
    private static MemberCursor cursorAfter(long id, Sort sort) {
        String property = sort.iterator().next().getProperty();
        Object value = jdbc.queryForObject("select " + MemberSql.COLUMNS.get(property) + " from members where id = ?",
                Object.class, id);
        if (value instanceof java.sql.Date date) {
            value = date.toLocalDate();
        }
        return MemberCursor.of(List.of(value, id));
    }
}

package memberstream.member;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import memberstream.MigratedDatabase;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The word index (V90, {@link MemberWords}, {@link MemberSql#pageByWords}) against the real PostgreSQL,
 * members inserted after the migration (so its insert trigger filled the index; {@link MemberIndexTest}
 * covers the migration's own fill): a search it answers gives exactly the page, order and count of
 * today's query ({@link MemberSql#page}, {@link MemberSql#countUpTo}), also after members are renamed
 * and deleted.
 */
class MemberWordsTest {

    private static final int MEMBERS = 12_000;

    /** Word starts, inner fragments, accents, capitals; and fragments the index must leave alone. */
    private static final List<String> WORD_FRAGMENTS = List.of("okafor", "OKAFOR", "okaf", "kafor", "afor", "chloé",
            "CHLOÉ", "chloe", "müller", "mueller", "bergstr", "ström", "zoë", "ZOË", "123", "4711", "example",
            "nowhere", "ünal", "cent", "pér", "ijk");
    private static final List<String> OTHER_FRAGMENTS = List.of("o'brien", "50%", "a_b", "1_2", "zoe.kim", "ada okafor",
            "@lab.test", "ok", "%", "_", "\\");
    private static final List<Sort> BY_NAME = List.of(Sort.by("fullName"), Sort.by(Sort.Direction.DESC, "fullName"));

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
        jdbc.execute("analyze member_words");
        jdbc.execute("set plan_cache_mode = force_custom_plan");
    }

    @Test
    void aFragmentInsideAWordIsAnsweredByTheWordIndexAndOthersAreNot() {
        for (String fragment : WORD_FRAGMENTS) {
            assertThat(MemberService.wordsToSeek(jdbc, new MemberFilter(fragment, null, null))).as(fragment).isNotNull();
        }
        for (String fragment : OTHER_FRAGMENTS) {
            assertThat(MemberService.wordsToSeek(jdbc, new MemberFilter(fragment, null, null))).as(fragment).isNull();
        }
        assertThat(MemberService.wordsToSeek(jdbc, new MemberFilter("okafor", null, null))).containsExactly("okafor");
        assertThat(MemberService.wordsToSeek(jdbc, new MemberFilter("nowhere", null, null))).isEmpty();
        // Two characters as PostgreSQL counts them, four as Java does: no word of three could hold them.
        assertThat(MemberWords.wordFragment(new MemberFilter("\uD83D\uDE00\uD83D\uDE00", null, null))).isNull();
    }

    @Test
    void aCountPastTheLimitShowsTheWordIndexsEstimateOfItsMembers() {
        // "test": the domain of half the emails, and "Ünal"'s ".test" too: about 6,000 members, far past the limit.
        MemberFilter test = new MemberFilter("test", null, null);
        long today = count(MemberSql.countUpTo(test, Long.MAX_VALUE));
        MemberCount counted = MemberService.countAbout(jdbc, test);
        assertThat(counted.exact()).isFalse();
        // Within a tenth of the truth, where the LIKE's estimate adds the names' matches to the emails'.
        assertThat((double) counted.value()).as("about %d for %d", counted.value(), today)
                .isBetween(today * 0.9, today * 1.1);
        // With a status, the LIKE's estimate, which knows the status's share.
        MemberFilter left = new MemberFilter("test", null, MemberStatus.LEFT);
        assertThat(MemberService.estimate(jdbc, left, MemberService.wordsToSeek(jdbc, left)))
                .isEqualTo(MemberService.estimate(jdbc, left));
    }

    @Test
    void pagesOrdersAndCountsAreTodays() {
        assertSameAsToday();
    }

    @Test
    void renamedDeletedAndReinsertedMembersAreFoundAsToday() {
        jdbc.update("update members set full_name = 'Renamed Okafor Quux', email = 'quux.' || id || '@x.test'"
                + " where id % 97 = 0");
        jdbc.update("update members set status = 'LEFT' where id % 89 = 0");
        jdbc.update("delete from members where id % 101 = 0");
        jdbc.update("""
                insert into members (full_name, email, role, status, joined_on, created_at, updated_at)
                select 'Late Okafor ' || i, 'late.' || i || '@chloé.test', 'BOARD', 'PENDING', date '2021-01-01', now(), now()
                from generate_series(1, 300) i""");
        assertSameAsToday();
        assertThat(MemberService.wordsToSeek(jdbc, new MemberFilter("quux", null, null))).containsExactly("quux");
        long stale = jdbc.queryForObject("""
                select count(*) from member_words w
                where not exists (select 1 from members m where m.id = w.member_id and m.full_name = w.full_name)""",
                Long.class);
        assertThat(stale).isZero();
    }

    private static void assertSameAsToday() {
        List<MemberFilter> filters = new ArrayList<>();
        for (String fragment : WORD_FRAGMENTS) {
            filters.add(new MemberFilter(fragment, null, null));
            filters.add(new MemberFilter(fragment, MemberRole.STAFF, null));
            filters.add(new MemberFilter(fragment, null, MemberStatus.LEFT));
        }
        int checked = 0;
        for (MemberFilter filter : filters) {
            List<String> words = MemberService.wordsToSeek(jdbc, filter);
            long today = count(MemberSql.countUpTo(filter, Long.MAX_VALUE));
            if (words.isEmpty()) {
                assertThat(today).as("%s has no words", filter).isZero();
                continue;
            }
            assertThat(count(MemberSql.countByWordsUpTo(filter, words, Long.MAX_VALUE))).as("count %s", filter)
                    .isEqualTo(today);
            assertThat(count(MemberSql.countByWordsUpTo(filter, words, 5))).as("count %s", filter)
                    .isEqualTo(Math.min(5, today));
            for (Sort sort : BY_NAME) {
                List<Long> all = ids(MemberSql.page(filter, sort, null, 0, Integer.MAX_VALUE));
                assertThat(ids(MemberSql.pageByWords(filter, sort, null, 0, Integer.MAX_VALUE, words)))
                        .as("all %s %s", filter, sort).isEqualTo(all);
                assertThat(ids(MemberSql.pageByWords(filter, sort, null, 0, 17, words)))
                        .as("first %s %s", filter, sort).isEqualTo(ids(MemberSql.page(filter, sort, null, 0, 17)));
                assertThat(ids(MemberSql.pageByWords(filter, sort, null, 23, 17, words)))
                        .as("offset %s %s", filter, sort).isEqualTo(ids(MemberSql.page(filter, sort, null, 23, 17)));
                if (all.size() > 3) {
                    MemberCursor cursor = cursorAfter(all.get(all.size() / 2), sort);
                    assertThat(ids(MemberSql.pageByWords(filter, sort, cursor, 0, 17, words)))
                            .as("cursor %s %s", filter, sort).isEqualTo(ids(MemberSql.page(filter, sort, cursor, 0, 17)))
                            .isNotEmpty();
                    checked++;
                }
            }
        }
        assertThat(checked).as("searches with a page past a cursor").isGreaterThan(20);
    }

    private static long count(MemberSql.Statement statement) {
        return jdbc.queryForObject(statement.sql(), Long.class, statement.parameters().toArray());
    }

    private static List<Long> ids(MemberSql.Statement statement) {
        return jdbc.query(statement.sql(), (row, n) -> row.getLong("id"), statement.parameters().toArray());
    }

    private static MemberCursor cursorAfter(long id, Sort sort) {
        String name = jdbc.queryForObject("select full_name from members where id = ?", String.class, id);
        return MemberCursor.of(List.of(name, id));
    }
}

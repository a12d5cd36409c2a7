package memberstream.member;

import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which searches the word index of migration {@code V90__member_words.sql} answers, and with which words.
 * A member's words are the pieces of its lowered name and email between separators (any ASCII character
 * but a-z and 0-9), of three characters or more. A search fragment of three characters or more with no
 * separator in it that occurs in a name or an email lies inside one of its words: so the members bearing
 * a word that contains the fragment are exactly the matches, and the index finds them in name order.
 * A fragment with a separator ("zoe.kim", "ada okafor", "@lab.test") spans words and keeps the other
 * paths of {@link MemberService#listing}. Stateless; any thread.
 */
final class MemberWords {

    /**
     * At most this many distinct words are sought for one search (one index scan each, merged). A
     * fragment contained in more ("123" among numbered emails) keeps the other paths: the merge would
     * cost a few pages a word, and such a short fragment is usually typed on the way to a longer one.
     */
    static final int MAX_WORDS = 32;

    private MemberWords() {
    }

    /** The lowered fragment of the filter's search if the word index can answer it, else null. */
    static String wordFragment(MemberFilter filter) {
        if (filter.search() == null) {
            return null;
        }
        String fragment = filter.search().strip().toLowerCase(Locale.ROOT);
        // Characters as PostgreSQL's length() counts them (the migration keeps words of three or more).
        if (fragment.codePointCount(0, fragment.length()) < 3) {
            return null;
        }
        for (int i = 0; i < fragment.length(); i++) {
            if (separator(fragment.charAt(i))) {
                return null;
            }
        }
        return fragment;
    }

    /** The migration's separator: an ASCII character other than a lower-case letter or a digit. */
    static boolean separator(char c) {
        return c < 128 && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9');
    }

    /**
     * The words some member bears (or bore) that contain {@code fragment} (as {@link #wordFragment} gives
     * it); null if there are more than {@link #MAX_WORDS}. Read from the trigram index of the word list:
     * its cost follows the words that share the fragment's trigrams, not the members. (No ORDER BY: the
     * planner could then walk the word list's b-tree in order, testing every word, for a rare fragment.)
     */
    static List<String> containing(JdbcTemplate jdbc, String fragment) {
        MemberSql.Statement statement = containingStatement(fragment);
        List<String> words = jdbc.queryForList(statement.sql(), String.class, statement.parameters().toArray());
        return words.size() > MAX_WORDS ? null : words;
    }

    /** The statement of {@link #containing}. */
    static MemberSql.Statement containingStatement(String fragment) {
        return listedLike("%" + MemberSql.escapeLike(fragment) + "%");
    }

    /**
     * The listed words matching the LIKE {@code pattern}, one more than {@link #MAX_WORDS} at most, from the
     * word list's trigram index.
     */
    static MemberSql.Statement listedLike(String pattern) {
        return new MemberSql.Statement("select word from member_word_list where word like ? escape '\\' limit ?",
                List.of(pattern, MAX_WORDS + 1));
    }
}

package memberstream.member;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which searches the word tails of migration {@code V95__member_word_tails.sql} answer, and with which key
 * ranges. A word tail is a member's lowered name or email from the start of a word (of three characters or
 * more, followed by a separator, as {@link MemberWords} has them) to its end. A fragment that starts with
 * three or more word characters and goes on across a separator ("zoe.kim.", "eriksen.12345", "ada okafor")
 * occurs in a text exactly when a word ending with that first piece starts a tail beginning with that word
 * and the rest of the fragment. So its matches are the members named by the tails within one prefix range a
 * word, the words ending with the piece taken from the word list: exact, and read off a b-tree at a cost that
 * follows the matches, not the table. A fragment starting with a separator ("@lab.test") or a shorter piece
 * keeps the other paths of {@link MemberService#listing}. Stateless; any thread.
 */
final class MemberWordTails {

    /**
     * Tail entries read for one search at most: one more than the count that is shown exactly. A search with
     * more keeps the other paths, which bound a common fragment's cost by the page instead.
     */
    static final int MAX_ENTRIES = (int) MemberService.EXACT_COUNT_LIMIT + 1;

    /** The tails beginning with {@code from}: every key at least {@code from} and below {@code until}. */
    record Range(String from, String until) {
    }

    private MemberWordTails() {
    }

    /**
     * The lowered fragment of the filter's search if the tails can answer it: it starts with a piece of at
     * least three word characters, followed by a separator. Else null.
     */
    static String tailFragment(MemberFilter filter) {
        if (filter.search() == null) {
            return null;
        }
        String fragment = filter.search().strip().toLowerCase(Locale.ROOT);
        String piece = firstPiece(fragment);
        // Characters as PostgreSQL counts them (V95 keeps tails of words of three or more).
        boolean longEnough = piece.codePointCount(0, piece.length()) >= 3;
        return longEnough && piece.length() < fragment.length() ? fragment : null;
    }

    /** The word characters {@code fragment} starts with, up to its first separator. */
    static String firstPiece(String fragment) {
        int end = 0;
        while (end < fragment.length() && !MemberWords.separator(fragment.charAt(end))) {
            end++;
        }
        return fragment.substring(0, end);
    }

    /**
     * The key ranges holding exactly the tails of the filter's matches: none if no word ends with the
     * fragment's first piece (nobody matches); null if the tails cannot answer this search (see
     * {@link #tailFragment}), or more than {@link MemberWords#MAX_WORDS} words end with the piece.
     */
    static List<Range> rangesToSeek(JdbcTemplate jdbc, MemberFilter filter) {
        String fragment = tailFragment(filter);
        if (fragment == null) {
            return null;
        }
        String piece = firstPiece(fragment);
        MemberSql.Statement ending = endingStatement(piece);
        List<String> words = jdbc.queryForList(ending.sql(), String.class, ending.parameters().toArray());
        if (words.size() > MemberWords.MAX_WORDS) {
            return null;
        }
        String rest = fragment.substring(piece.length());
        List<Range> ranges = new ArrayList<>();
        for (String word : words) {
            Range range = startingWith(word + rest);
            if (range == null) {
                return null;
            }
            ranges.add(range);
        }
        return ranges;
    }

    /**
     * The exact count of a search the word tails answer (V95), read off them; null if
     * they cannot answer it or hold more than {@link #MAX_ENTRIES} of its tails.
     */
    static MemberCount count(JdbcTemplate jdbc, MemberFilter filter) {
        List<Range> ranges = rangesToSeek(jdbc, filter);
        if (ranges == null) {
            return null;
        }
        if (ranges.isEmpty()) {
            return new MemberCount(0, true);
        }
        MemberSql.Statement statement = MemberSql.countAmongTails(filter, ranges, MAX_ENTRIES);
        Map<String, Object> row = jdbc.queryForMap(statement.sql(), statement.parameters().toArray());
        return ((Number) row.get("entries")).longValue() < MAX_ENTRIES
                ? new MemberCount(((Number) row.get("matching")).longValue(), true)
                : null;
    }

    /**
     * The words some member bears (or bore) that end with {@code piece}, one more than
     * {@link MemberWords#MAX_WORDS} at most, from the word list's trigram index.
     */
    static MemberSql.Statement endingStatement(String piece) {
        return MemberWords.listedLike("%" + MemberSql.escapeLike(piece));
    }

    /**
     * The keys that begin with {@code prefix}, compared code point by code point as PostgreSQL's "C" collation
     * compares UTF-8: from the prefix to the prefix with its last code point one higher. Null where no such
     * code point exists (the last one before the surrogates, or the last of all).
     */
    static Range startingWith(String prefix) {
        int last = prefix.codePointBefore(prefix.length());
        int next = last + 1;
        if (next == Character.MIN_SURROGATE || next > Character.MAX_CODE_POINT) {
            return null;
        }
        String head = prefix.substring(0, prefix.length() - Character.charCount(last));
        return new Range(prefix, head + Character.toString(next));
    }
}

package memberstream.member;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Searches with separators in them ("zoe.kim.", "@lab.test", "ada okafor", "eriksen.12345"), listed by name,
 * answered from the word index of V90 ({@link MemberWords}), whose words include the email's parts.
 *
 * <p>The fragment splits into <em>pieces</em> at its separators (the migration's: any ASCII character but
 * a-z and 0-9). Wherever the fragment occurs, a piece with a separator on both sides is a whole word of the
 * name or email, the last piece (no separator after it) the start of a word, the first (no separator before
 * it) the end of one: "zoe.kim." needs a word ending in "zoe" and the word "kim"; "@lab.te" the word "lab" and
 * a word starting "te". Pieces of under three characters are not in the index and only the search's LIKE
 * checks them. So the members bearing a matching word of every piece are a superset of the matches, and the
 * LIKE on each candidate decides: results, order and count are exactly today's ({@code MemberWordsTest}).
 *
 * <p>Cost, at any size: one statement finds, for each piece, its first member in name order after the cursor
 * and its last one; the matches can only lie between the latest first and the earliest last (a first name
 * and a surname: "Zoë Abara" to "Zoë Kim", the Zoë Kims), and it counts each piece's members in that range
 * up to {@link #CANDIDATES}. The rarest piece's members in the range are then read in name order, at most
 * {@link #CANDIDATES} of them, each checked against the LIKE until the page (or the count's 1,001) is full.
 * When the page comes back short although the rarest piece had {@link #CANDIDATES} members in the range, the
 * answer says nothing and the caller takes the general path. Stateless; any thread.
 */
final class MemberPieces {

    /** At most this many members of the rarest piece are read for one page or one count. */
    static final int CANDIDATES = 2_000;

    /** How a piece's text lies in a word it matches. */
    enum Kind {
        /** Separators on both sides: the whole word. */
        WORD,
        /** The fragment ends in it: the start of a word. */
        PREFIX,
        /** The fragment starts in it: the end of a word. */
        SUFFIX
    }

    /** One piece of a fragment, lowered, of three characters or more. */
    record Piece(String text, Kind kind) {
    }

    /**
     * Where a search's matches lie in one direction of the name order: between {@code start} and {@code end}
     * (full_name, id; both inclusive) among the members of {@code driver}'s words (the rarest piece's).
     * {@code empty}: nothing can match (past the cursor). {@code complete}: the driver has fewer than
     * {@link #CANDIDATES} members in the range, so reading them all is bounded and a short answer is final.
     */
    record Range(boolean empty, boolean ascending, List<String> driver, Object[] start, Object[] end,
                 boolean complete) {

        /** The page ({@link MemberSql#page}'s, in a {@link MemberSql#byName} order), if it fills. */
        MemberSql.Statement page(MemberFilter filter, long skip, int limit) {
            String dir = ascending ? " asc" : " desc";
            List<Object> parameters = new ArrayList<>();
            StringBuilder inner = new StringBuilder("select m.* from (").append(candidates(parameters))
                    .append(") c (name_key, member_id) join members m on m.id = c.member_id");
            where(inner, MemberSql.conditions(filter, parameters));
            inner.append(" order by c.name_key").append(dir).append(", c.member_id").append(dir).append(" limit ?");
            parameters.add(limit);
            if (skip > 0) {
                inner.append(" offset ?");
                parameters.add(skip);
            }
            return new MemberSql.Statement("select * from (" + inner + ") p order by full_name" + dir + ", id" + dir,
                    parameters);
        }

        /**
         * For a {@link #complete} range: the first page of all matches with, in the column {@code matched}, how
         * many there are (exact: every candidate was read), as {@link MemberSql#pageAmongMatches} answers it.
         * One statement for page and count. The members are {@code m.*}.
         */
        MemberSql.Statement pageWithCount(MemberFilter filter, int limit) {
            String dir = ascending ? " asc" : " desc";
            List<Object> parameters = new ArrayList<>();
            StringBuilder inner = new StringBuilder("select m.* from (").append(candidates(parameters))
                    .append(") c (name_key, member_id) join members m on m.id = c.member_id");
            where(inner, MemberSql.conditions(filter, parameters));
            parameters.add(limit);
            return new MemberSql.Statement("select m.*, count(*) over () as matched from (" + inner + ") m"
                    + " order by full_name" + dir + ", id" + dir + " limit ?", parameters);
        }

        /** The matches, counted no further than {@code limit} ({@link MemberSql#countUpTo}'s, if complete). */
        MemberSql.Statement countUpTo(MemberFilter filter, long limit) {
            List<Object> parameters = new ArrayList<>();
            StringBuilder inner = new StringBuilder("select 1 from (").append(candidates(parameters))
                    .append(") c (name_key, member_id) join members m on m.id = c.member_id");
            where(inner, MemberSql.conditions(filter, parameters));
            inner.append(" limit ?");
            parameters.add(limit);
            return new MemberSql.Statement("select count(*) from (" + inner + ") matching", parameters);
        }

        /** The driver's members in the range, in name order, at most {@link #CANDIDATES}. */
        private String candidates(List<Object> parameters) {
            String dir = ascending ? " asc" : " desc";
            String order = " order by full_name" + dir + ", member_id" + dir;
            List<String> arms = new ArrayList<>();
            for (String word : driver) {
                arms.add("(select full_name, member_id from member_words where word = ? and (full_name, member_id) "
                        + (ascending ? ">=" : "<=") + " (?, ?) and (full_name, member_id) " + (ascending ? "<=" : ">=")
                        + " (?, ?)" + order + " limit ?)");
                parameters.add(word);
                parameters.add(start[0]);
                parameters.add(start[1]);
                parameters.add(end[0]);
                parameters.add(end[1]);
                parameters.add(CANDIDATES);
            }
            parameters.add(CANDIDATES);
            return "select distinct full_name, member_id from (" + String.join(" union all ", arms) + ") w" + order
                    + " limit ?";
        }
    }

    private MemberPieces() {
    }

    /**
     * The pieces of the filter's search that the word index can look up, or null when this path does not
     * apply: no search, no separator in it (then {@link MemberWords} answers it), or no piece of three
     * characters or more.
     */
    static List<Piece> pieces(MemberFilter filter) {
        if (filter.search() == null) {
            return null;
        }
        String fragment = filter.search().strip().toLowerCase(Locale.ROOT);
        List<Piece> pieces = new ArrayList<>();
        boolean separated = false;
        int i = 0;
        while (i < fragment.length()) {
            if (MemberWords.separator(fragment.charAt(i))) {
                separated = true;
                i++;
                continue;
            }
            int from = i;
            while (i < fragment.length() && !MemberWords.separator(fragment.charAt(i))) {
                i++;
            }
            boolean before = from > 0;
            boolean after = i < fragment.length();
            String text = fragment.substring(from, i);
            if ((before || after) && text.codePointCount(0, text.length()) >= 3) {
                pieces.add(new Piece(text, before && after ? Kind.WORD : before ? Kind.PREFIX : Kind.SUFFIX));
            }
        }
        return separated && !pieces.isEmpty() ? pieces : null;
    }

    /**
     * The words of each usable piece of the filter's search (see {@link #pieces}), or null when this path does
     * not apply (also when every piece lies in more than {@link MemberWords#MAX_WORDS} words); an empty list
     * when some piece is in no word at all (nobody matches). One look-up a piece, through the word list's
     * b-tree (a word, a word's start) or its trigram index (a word's end): run these with bitmap scans on.
     */
    static List<List<String>> words(JdbcTemplate jdbc, MemberFilter filter) {
        List<Piece> pieces = pieces(filter);
        if (pieces == null) {
            return null;
        }
        List<List<String>> words = new ArrayList<>();
        for (Piece piece : likelyRarestFirst(pieces)) {
            MemberSql.Statement lookup = wordsStatement(piece);
            List<String> found = jdbc.queryForList(lookup.sql(), String.class, lookup.parameters().toArray());
            if (found.isEmpty()) {
                return List.of();
            }
            if (found.size() <= MemberWords.MAX_WORDS) {
                words.add(found);
            }
        }
        return words.isEmpty() ? null : words;
    }

    /**
     * The order {@link #rangeStatement} counts pieces in, likely rarest first (each later one is counted only
     * as far as the rarest so far): digits (a member's number), then whole words, then a word's start, then its
     * end, longer first.
     */
    private static List<Piece> likelyRarestFirst(List<Piece> pieces) {
        List<Piece> sorted = new ArrayList<>(pieces);
        sorted.sort(java.util.Comparator.comparing((Piece piece) -> !piece.text().chars().allMatch(Character::isDigit))
                .thenComparing(Piece::kind).thenComparing(piece -> -piece.text().length()));
        return sorted;
    }

    /** {@link #words} then {@link #range(JdbcTemplate, List, boolean, MemberCursor)}; null when n/a. */
    static Range range(JdbcTemplate jdbc, MemberFilter filter, boolean ascending, MemberCursor after) {
        List<List<String>> words = words(jdbc, filter);
        return words == null ? null : range(jdbc, words, ascending, after);
    }

    /**
     * Where the matches lie after {@code after} in one direction of the name order, given each piece's
     * {@code words} (from {@link #words}; empty: nobody matches). One statement, best run with bitmap scans
     * off (each of its scans is to stop after a row or a bounded count, in index order).
     */
    static Range range(JdbcTemplate jdbc, List<List<String>> words, boolean ascending, MemberCursor after) {
        Range none = new Range(true, ascending, List.of(), null, null, true);
        if (words.isEmpty()) {
            return none;
        }
        MemberSql.Statement statement = rangeStatement(words, ascending, after);
        List<Range> ranges = jdbc.query(statement.sql(), (row, n) -> {
            if (row.getInt("pieces") < words.size() || !row.getBoolean("ordered")) {
                return none;
            }
            int rarest = 0;
            for (int i = 1; i < words.size(); i++) {
                if (row.getLong("size_" + i) < row.getLong("size_" + rarest)) {
                    rarest = i;
                }
            }
            return new Range(false, ascending, words.get(rarest),
                    new Object[] {row.getString("start_name"), row.getLong("start_id")},
                    new Object[] {row.getString("end_name"), row.getLong("end_id")},
                    row.getLong("size_" + rarest) < CANDIDATES);
        }, statement.parameters().toArray());
        return ranges.isEmpty() ? none : ranges.get(0);
    }

    /** The words of the word list a piece matches (at most one more than {@link MemberWords#MAX_WORDS}). */
    static MemberSql.Statement wordsStatement(Piece piece) {
        String escaped = MemberSql.escapeLike(piece.text());
        return switch (piece.kind()) {
            case WORD -> new MemberSql.Statement("select word from member_word_list where word = ?",
                    List.of(piece.text()));
            case PREFIX -> new MemberSql.Statement(
                    "select word from member_word_list where word like ? escape '\\' limit ?",
                    List.of(escaped + "%", MemberWords.MAX_WORDS + 1));
            case SUFFIX -> new MemberSql.Statement(
                    "select word from member_word_list where word like ? escape '\\' limit ?",
                    List.of("%" + escaped, MemberWords.MAX_WORDS + 1));
        };
    }

    /**
     * One row (none if no piece has a member after the cursor): how many pieces have one ({@code pieces}), the
     * latest of their first members in this direction ({@code start_name, start_id}), the earliest of their
     * last ones ({@code end_...}), whether start comes before end ({@code ordered}), and each piece's members
     * in that range counted up to {@link #CANDIDATES} ({@code size_0} ...; each no further than one past the
     * smallest before it). Each first and last is one index
     * probe a word; each size an index-only scan of at most {@link #CANDIDATES} entries a word.
     */
    static MemberSql.Statement rangeStatement(List<List<String>> words, boolean ascending, MemberCursor after) {
        String dir = ascending ? " asc" : " desc";
        String back = ascending ? " desc" : " asc";
        List<Object> parameters = new ArrayList<>();
        List<String> firsts = new ArrayList<>();
        List<String> lasts = new ArrayList<>();
        for (List<String> piece : words) {
            firsts.add(extreme(piece, dir, ascending, after, parameters));
        }
        for (List<String> piece : words) {
            lasts.add(extreme(piece, back, ascending, null, parameters));
        }
        StringBuilder sql = new StringBuilder("with f as (").append(String.join(" union all ", firsts))
                .append("), l as (").append(String.join(" union all ", lasts)).append("), ")
                .append("b as (select full_name, member_id from f order by full_name").append(back)
                .append(", member_id").append(back).append(" limit 1), ")
                .append("e as (select full_name, member_id from l order by full_name").append(dir)
                .append(", member_id").append(dir).append(" limit 1) ")
                .append("select (select count(*) from f) as pieces, b.full_name as start_name, b.member_id as start_id,")
                .append(" e.full_name as end_name, e.member_id as end_id, (b.full_name, b.member_id) ")
                .append(ascending ? "<=" : ">=").append(" (e.full_name, e.member_id) as ordered");
        StringBuilder from = new StringBuilder(" from b, e");
        List<String> counted = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            List<String> piece = words.get(i);
            sql.append(", s").append(i).append(".size_").append(i);
            // Each piece counted no further than one past the smallest count so far: only the rarest matters.
            from.append(", lateral (select count(*) as size_").append(i)
                    .append(" from (select 1 from member_words w where w.word in (")
                    .append(String.join(", ", piece.stream().map(word -> "?").toList()))
                    .append(") and (w.full_name, w.member_id) ").append(ascending ? ">=" : "<=")
                    .append(" (b.full_name, b.member_id) and (w.full_name, w.member_id) ").append(ascending ? "<=" : ">=")
                    .append(" (e.full_name, e.member_id) limit ")
                    .append(counted.isEmpty() ? "?" : "least(?, least(" + String.join(", ", counted) + ") + 1)")
                    .append(") s) s").append(i);
            parameters.addAll(piece);
            parameters.add(CANDIDATES);
            counted.add("s" + i + ".size_" + i);
        }
        sql.append(from);
        return new MemberSql.Statement(sql.toString(), parameters);
    }

    /** A piece's first member in {@code dir} (after the cursor, if any): one probe a word, merged. */
    private static String extreme(List<String> piece, String dir, boolean ascending, MemberCursor after,
                                  List<Object> parameters) {
        String order = " order by full_name" + dir + ", member_id" + dir;
        List<String> arms = new ArrayList<>();
        for (String word : piece) {
            StringBuilder arm = new StringBuilder("(select full_name, member_id from member_words where word = ?");
            parameters.add(word);
            if (after != null) {
                arm.append(" and (full_name, member_id) ").append(ascending ? ">" : "<").append(" (?, ?)");
                parameters.add(after.values().get(0));
                parameters.add(after.values().get(1));
            }
            arms.add(arm.append(order).append(" limit 1)").toString());
        }
        return "(select full_name, member_id from (" + String.join(" union all ", arms) + ") x" + order + " limit 1)";
    }

    private static void where(StringBuilder sql, List<String> conditions) {
        if (!conditions.isEmpty()) {
            sql.append(" where ").append(String.join(" and ", conditions));
        }
    }
}

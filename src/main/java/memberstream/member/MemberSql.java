package memberstream.member;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.data.domain.Sort;

/**
 * The SQL of the members list, its count and its count estimate, built from a {@link MemberFilter},
 * a sort and an optional {@link MemberCursor}. Only column names from {@link #COLUMNS} and ASC/DESC
 * enter the text; every value is a bound {@code ?} parameter, in {@link Statement#parameters()} order.
 *
 * <p>The shapes are chosen for the indexes of V2 and V50: search is {@code lower(col) LIKE '%..%'}
 * (the trigram GIN indexes), every order ends in id and runs in one direction ({@code (col, id)}
 * b-trees, read forwards or backwards), and a cursor becomes a row comparison
 * {@code (col, id) > (?, ?)}, which PostgreSQL turns into an index seek. Stateless; any thread.
 */
final class MemberSql {

    /** Sortable properties and their columns; all NOT NULL, so no NULLS FIRST/LAST subtleties. */
    static final Map<String, String> COLUMNS = Map.of(
            "id", "id", "fullName", "full_name", "email", "email", "role", "role", "status", "status",
            "joinedOn", "joined_on", "createdAt", "created_at", "updatedAt", "updated_at");

    /** SQL text and its positional parameters. */
    record Statement(String sql, List<Object> parameters) {
    }

    private MemberSql() {
    }

    /**
     * The orders a list really uses: the requested ones, then id as the tie-breaker, in the direction
     * of the last requested order (so that a one-column sort either way matches a (column, id) index).
     */
    static List<Sort.Order> orders(Sort sort) {
        List<Sort.Order> orders = new ArrayList<>();
        Sort.Direction last = Sort.Direction.ASC;
        for (Sort.Order order : sort) {
            column(order.getProperty());
            orders.add(order);
            last = order.getDirection();
            if (order.getProperty().equals("id")) {
                return orders;
            }
        }
        orders.add(new Sort.Order(last, "id"));
        return orders;
    }

    /** Whether pages in this order can be sought from a cursor: all orders run the same way. */
    static boolean seekable(Sort sort) {
        return orders(sort).stream().map(Sort.Order::getDirection).distinct().count() == 1;
    }

    /**
     * Members matching {@code filter}, in {@code sort} order, after {@code after} (null: from the start),
     * skipping {@code skip} of them and returning at most {@code limit}.
     */
    static Statement page(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select * from members");
        List<String> conditions = conditions(filter, parameters);
        addCursor(conditions, parameters, sort, after);
        where(sql, conditions);
        orderAndLimit(sql, parameters, sort, skip, limit);
        return new Statement(sql.toString(), parameters);
    }

    /**
     * The same page as {@link #page}, looked for among the next {@code walk} members in sort order only
     * (after the cursor): the sort index is read for at most {@code walk} rows, whatever the filter. When
     * it returns {@code limit} members they are exactly {@link #page}'s (the first matches in order all lie
     * within the first rows walked); a shorter answer says nothing, and the caller asks {@link #page}.
     */
    static Statement pageWithinWalk(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit,
                                    int walk) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder inner = new StringBuilder("select * from members");
        List<String> cursor = new ArrayList<>();
        addCursor(cursor, parameters, sort, after);
        where(inner, cursor);
        orderAndLimit(inner, parameters, sort, 0, walk);
        StringBuilder sql = new StringBuilder("select * from (").append(inner).append(") walked");
        where(sql, conditions(filter, parameters));
        orderAndLimit(sql, parameters, sort, skip, limit);
        return new Statement(sql.toString(), parameters);
    }

    /**
     * The same page as {@link #page}, taken from the first {@code matches} matches found (in no order), each
     * row with the column {@code matched}: how many were found. When that is below {@code matches} they were
     * all of them and the page is exactly {@link #page}'s; otherwise it says nothing. The members are
     * {@code m.*}. Bounded: at most {@code matches} rows are read, whatever the table's size.
     */
    static Statement pageAmongMatches(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit,
                                      int matches) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder inner = new StringBuilder("select * from members");
        List<String> conditions = conditions(filter, parameters);
        addCursor(conditions, parameters, sort, after);
        where(inner, conditions);
        inner.append(" limit ?");
        parameters.add(matches);
        StringBuilder sql = new StringBuilder("select m.*, count(*) over () as matched from (").append(inner)
                .append(") m");
        orderAndLimit(sql, parameters, sort, skip, limit);
        return new Statement(sql.toString(), parameters);
    }

    /**
     * Whether {@link #pageByWords} serves this order: by full name (then id), either way; the word index
     * holds no other sort key.
     */
    static boolean byName(Sort sort) {
        List<Sort.Order> orders = orders(sort);
        return orders.size() == 2 && orders.get(0).getProperty().equals("fullName") && seekable(sort);
    }

    /**
     * The same page as {@link #page}, for a search whose matches are exactly the members bearing one of
     * {@code words} (see {@link MemberWords}), in a {@link #byName} order: each word's members are sought
     * in the word index from the cursor on, in name order, and merged (a Merge Append of index scans, then
     * Unique, as a member may bear two of the words); role and status are checked on each candidate as it
     * streams, until the page is full. So the index is read for about as many rows as the page needs,
     * whatever the table's size, unless role or status reject most candidates. The page is then checked
     * against the search itself (the words narrow, the LIKE decides), outside: inside, the planner would
     * take the LIKE for a filter of its own, expect most candidates to fail it, and read and sort them all.
     */
    static Statement pageByWords(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit,
                                 List<String> words) {
        if (!byName(sort)) {
            throw new IllegalArgumentException("The word index is in name order, not " + sort);
        }
        List<Object> parameters = new ArrayList<>();
        boolean ascending = orders(sort).get(0).isAscending();
        String direction = ascending ? " asc" : " desc";
        StringBuilder inner = new StringBuilder("select m.* from (")
                .append(wordCandidates(words, ascending, after, parameters))
                .append(") c (name_key, member_id) join members m on m.id = c.member_id");
        where(inner, conditions(new MemberFilter(null, filter.role(), filter.status()), parameters));
        inner.append(" order by c.name_key").append(direction).append(", c.member_id").append(direction);
        inner.append(" limit ?");
        parameters.add(limit);
        if (skip > 0) {
            inner.append(" offset ?");
            parameters.add(skip);
        }
        StringBuilder sql = new StringBuilder("select * from (").append(inner).append(") p");
        where(sql, conditions(new MemberFilter(filter.search(), null, null), parameters));
        sql.append(" order by full_name").append(direction).append(", id").append(direction);
        return new Statement(sql.toString(), parameters);
    }

    /**
     * As {@link #countUpTo}, for a search whose matches are exactly the members bearing one of
     * {@code words}: those members, of the filter's role and status, counted no further than {@code limit}.
     * Without role and status the word index alone answers (an index-only scan).
     */
    static Statement countByWordsUpTo(MemberFilter filter, List<String> words, long limit) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder inner = new StringBuilder("select 1 from (")
                .append(wordCandidates(words, true, null, parameters)).append(") c (name_key, member_id)");
        List<String> conditions = conditions(new MemberFilter(null, filter.role(), filter.status()), parameters);
        if (!conditions.isEmpty()) {
            inner.append(" join members m on m.id = c.member_id");
            where(inner, conditions);
        }
        inner.append(" limit ?");
        parameters.add(limit);
        return new Statement("select count(*) from (" + inner + ") matching", parameters);
    }

    /**
     * The distinct (full_name, member_id) of the members bearing any of {@code words}, after the cursor,
     * in name order: one ordered index scan a word, merged. Ordered even where order does not matter
     * (a count), so that PostgreSQL removes duplicates as the rows stream (Unique) instead of hashing
     * all of them first.
     */
    private static String wordCandidates(List<String> words, boolean ascending, MemberCursor after,
                                         List<Object> parameters) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("No words to seek");
        }
        String direction = ascending ? " asc" : " desc";
        String order = " order by full_name" + direction + ", member_id" + direction;
        List<String> arms = new ArrayList<>();
        for (String word : words) {
            StringBuilder arm = new StringBuilder("(select full_name, member_id from member_words where word = ?");
            parameters.add(word);
            if (after != null) {
                arm.append(" and (full_name, member_id) ").append(ascending ? ">" : "<").append(" (?, ?)");
                parameters.add(after.values().get(0));
                parameters.add(after.values().get(1));
            }
            arms.add(arm.append(order).append(")").toString());
        }
        return "select distinct full_name, member_id from (" + String.join(" union all ", arms) + ") w" + order;
    }

    /**
     * The same page as {@link #page}, for a search whose matches are exactly the members named by the word
     * tails in {@code ranges} (V95, {@link MemberWordTails}), taken from the first {@code entries} tails of
     * those ranges (index-only scans), each row with the column {@code entries}, how many tails were read:
     * below {@code entries} they were all, and the page is exactly {@link #page}'s; and {@code matched}, how
     * many members they name after the cursor, of the filter's role and status. The members are {@code m.*}.
     * Bounded: at most {@code entries} tails are read, whatever the table's size. In a {@link #byName} order
     * without role or status the tails, which carry the name, are sorted and only the page's members read;
     * otherwise each candidate member is.
     */
    static Statement pageAmongTails(MemberFilter filter, Sort sort, MemberCursor after, long skip, int limit,
                                    List<MemberWordTails.Range> ranges, int entries) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder(tails(ranges, entries, parameters));
        if (byName(sort) && filter.role() == null && filter.status() == null) {
            boolean ascending = orders(sort).get(0).isAscending();
            String direction = ascending ? " asc" : " desc";
            String cursor = after == null ? "" : " where (full_name, member_id) " + (ascending ? ">" : "<") + " (?, ?)";
            sql.append(", c as (select distinct full_name, member_id from r)")
                    .append(" select m.*, (select count(*) from r) as entries, (select count(*) from c")
                    .append(cursor).append(") as matched from (select full_name, member_id from c").append(cursor)
                    .append(" order by full_name").append(direction).append(", member_id").append(direction)
                    .append(" limit ?");
            if (after != null) {
                // The cursor twice: in the count after it and in the page.
                parameters.addAll(List.of(after.values().get(0), after.values().get(1), after.values().get(0),
                        after.values().get(1)));
            }
            parameters.add(limit);
            if (skip > 0) {
                sql.append(" offset ?");
                parameters.add(skip);
            }
            sql.append(") p join members m on m.id = p.member_id order by m.full_name").append(direction)
                    .append(", m.id").append(direction);
            return new Statement(sql.toString(), parameters);
        }
        sql.append(" select m.*, (select count(*) from r) as entries, count(*) over () as matched from members m");
        List<String> conditions = conditions(new MemberFilter(null, filter.role(), filter.status()), parameters);
        conditions.add(0, "m.id in (select member_id from r)");
        addCursor(conditions, parameters, sort, after);
        where(sql, conditions);
        orderAndLimit(sql, parameters, sort, skip, limit);
        return new Statement(sql.toString(), parameters);
    }

    /**
     * As {@link #countUpTo}, for a search the word tails in {@code ranges} answer: one row of {@code entries},
     * the tails read (at most {@code entries}: below it, they were all), and {@code matching}, the members they
     * name of the filter's role and status, which is then the exact count.
     */
    static Statement countAmongTails(MemberFilter filter, List<MemberWordTails.Range> ranges, int entries) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder(tails(ranges, entries, parameters))
                .append(" select (select count(*) from r) as entries, ");
        List<String> conditions = conditions(new MemberFilter(null, filter.role(), filter.status()), parameters);
        if (conditions.isEmpty()) {
            sql.append("(select count(distinct member_id) from r) as matching");
        } else {
            conditions.add(0, "m.id in (select member_id from r)");
            sql.append("(select count(*) from members m");
            where(sql, conditions);
            sql.append(") as matching");
        }
        return new Statement(sql.toString(), parameters);
    }

    /**
     * The CTE {@code r (member_id, full_name)}: the first {@code entries} word tails in any of {@code ranges},
     * one index range scan each (a union, not an OR, which would read them through a bitmap and the table).
     */
    private static String tails(List<MemberWordTails.Range> ranges, int entries, List<Object> parameters) {
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("No word tails to seek");
        }
        List<String> arms = new ArrayList<>();
        for (MemberWordTails.Range range : ranges) {
            arms.add("select member_id, full_name from member_word_tails where tail >= ? and tail < ?");
            parameters.add(range.from());
            parameters.add(range.until());
        }
        parameters.add(entries);
        return "with r as materialized (select member_id, full_name from (" + String.join(" union all ", arms)
                + ") u limit ?)";
    }

    private static void addCursor(List<String> conditions, List<Object> parameters, Sort sort, MemberCursor after) {
        if (after == null) {
            return;
        }
        if (!seekable(sort)) {
            throw new IllegalArgumentException("A cursor needs all sort orders in one direction: " + sort);
        }
        List<Sort.Order> orders = orders(sort);
        List<String> columns = orders.stream().map(order -> column(order.getProperty())).toList();
        String comparison = orders.get(0).isAscending() ? " > " : " < ";
        conditions.add("(" + String.join(", ", columns) + ")" + comparison
                + "(" + String.join(", ", columns.stream().map(column -> "?").toList()) + ")");
        for (Object value : after.values()) {
            parameters.add(bindable(value));
        }
    }

    private static void orderAndLimit(StringBuilder sql, List<Object> parameters, Sort sort, long skip, int limit) {
        sql.append(" order by ");
        sql.append(String.join(", ", orders(sort).stream()
                .map(order -> column(order.getProperty()) + (order.isAscending() ? " asc" : " desc")).toList()));
        sql.append(" limit ?");
        parameters.add(limit);
        if (skip > 0) {
            sql.append(" offset ?");
            parameters.add(skip);
        }
    }

    /** How many members match, counting no further than {@code limit}: the cost is bounded by it. */
    static Statement countUpTo(MemberFilter filter, long limit) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder inner = new StringBuilder("select 1 from members");
        where(inner, conditions(filter, parameters));
        inner.append(" limit ?");
        parameters.add(limit);
        return new Statement("select count(*) from (" + inner + ") matching", parameters);
    }

    /** The planner's estimate of how many members match, the first line of EXPLAIN ("rows=N"). */
    static Statement explainMatching(MemberFilter filter) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("explain select 1 from members");
        where(sql, conditions(filter, parameters));
        return new Statement(sql.toString(), parameters);
    }

    /**
     * The planner's estimate of the rows of the word index bearing one of {@code words}, the first line of
     * EXPLAIN: one row a member and word, so about the members of a one-word search.
     */
    static Statement explainWordMembers(List<String> words) {
        return new Statement("explain select 1 from member_words where word in ("
                + String.join(", ", words.stream().map(word -> "?").toList()) + ")", List.copyOf(words));
    }

    private static List<String> conditions(MemberFilter filter, List<Object> parameters) {
        List<String> conditions = new ArrayList<>();
        String search = filter.search();
        if (search != null && !search.isBlank()) {
            String pattern = "%" + escapeLike(search.strip().toLowerCase(Locale.ROOT)) + "%";
            conditions.add("(lower(full_name) like ? escape '\\' or lower(email) like ? escape '\\')");
            parameters.add(pattern);
            parameters.add(pattern);
        }
        if (filter.role() != null) {
            conditions.add("role = ?");
            parameters.add(filter.role().name());
        }
        if (filter.status() != null) {
            conditions.add("status = ?");
            parameters.add(filter.status().name());
        }
        return conditions;
    }

    private static void where(StringBuilder sql, List<String> conditions) {
        if (!conditions.isEmpty()) {
            sql.append(" where ").append(String.join(" and ", conditions));
        }
    }

    private static String column(String property) {
        String column = COLUMNS.get(property);
        if (column == null) {
            throw new IllegalArgumentException("Cannot sort members by '" + property + "'");
        }
        return column;
    }

    /** JDBC has no Instant; PostgreSQL's timestamptz takes an OffsetDateTime. */
    private static Object bindable(Object value) {
        return value instanceof Instant instant ? instant.atOffset(ZoneOffset.UTC) : value;
    }

    /** A person searching for "50%" or "a_b" means those characters, not LIKE wildcards. */
    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}

package memberstream.member.ui;

import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.router.QueryParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import memberstream.member.Member;
import memberstream.member.MemberFilter;
import memberstream.member.MemberRole;
import memberstream.member.MemberStatus;

/**
 * What the members list shows, as it lives in the URL's query: {@code q} (search), {@code role},
 * {@code status} (enum names, any case) and {@code sort} (column keys, comma-separated, {@code -} in
 * front for descending, e.g. {@code sort=-joinedOn,fullName}). The default, sorted by name, writes no
 * parameter. Anything unreadable in a URL is ignored rather than refused: a stale bookmark still opens.
 */
record MembersUrlState(MemberFilter filter, List<SortKey> sort) {

    /** One sort key: a grid column key and its direction. */
    record SortKey(String column, SortDirection direction) {
    }

    static final Set<String> SORTABLE = Set.of("fullName", "email", "role", "status", "joinedOn");
    static final List<SortKey> DEFAULT_SORT = List.of(new SortKey("fullName", SortDirection.ASCENDING));
    private static final int MAX_SEARCH = Member.EMAIL_MAX;

    static MembersUrlState from(QueryParameters query) {
        Map<String, List<String>> parameters = query.getParameters();
        String search = first(parameters, "q");
        if (search != null && search.length() > MAX_SEARCH) {
            search = search.substring(0, MAX_SEARCH);
        }
        var filter = new MemberFilter(search == null || search.isBlank() ? null : search,
                enumValue(MemberRole.class, first(parameters, "role")),
                enumValue(MemberStatus.class, first(parameters, "status")));
        return new MembersUrlState(filter, sort(first(parameters, "sort")));
    }

    QueryParameters toQueryParameters() {
        var parameters = new LinkedHashMap<String, String>();
        if (filter.search() != null && !filter.search().isBlank()) {
            parameters.put("q", filter.search());
        }
        if (filter.role() != null) {
            parameters.put("role", filter.role().name().toLowerCase(Locale.ROOT));
        }
        if (filter.status() != null) {
            parameters.put("status", filter.status().name().toLowerCase(Locale.ROOT));
        }
        if (!sort.isEmpty() && !sort.equals(DEFAULT_SORT)) {
            parameters.put("sort", String.join(",", sort.stream()
                    .map(key -> (key.direction() == SortDirection.DESCENDING ? "-" : "") + key.column()).toList()));
        }
        return QueryParameters.simple(parameters);
    }

    private static List<SortKey> sort(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_SORT;
        }
        var keys = new ArrayList<SortKey>();
        for (String part : text.split(",", SORTABLE.size() + 1)) {
            boolean descending = part.startsWith("-");
            String column = descending ? part.substring(1) : part;
            if (SORTABLE.contains(column) && keys.stream().noneMatch(key -> key.column().equals(column))) {
                keys.add(new SortKey(column, descending ? SortDirection.DESCENDING : SortDirection.ASCENDING));
            }
        }
        return keys.isEmpty() ? DEFAULT_SORT : List.copyOf(keys);
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name) {
        if (name == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }
}

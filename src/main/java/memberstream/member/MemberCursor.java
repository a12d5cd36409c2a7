package memberstream.member;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.data.domain.Sort;

/**
 * A position in the members list: the sort-key values of one row (one a sort order, then the id),
 * from which the next page is sought by the index instead of counted off with OFFSET. It holds values,
 * not a row: a cursor still works after its row was changed or deleted, and means "after these values".
 *
 * <p>Text form ({@link #encode()}): each value base64url-encoded, joined by dots, e.g. the cursor of
 * a list sorted by fullName is {@code base64(fullName).base64(id)}. It is only meaningful with the
 * sort it was made for; {@link #decode} checks that it has the right number and types of values.
 */
public final class MemberCursor {

    private final List<Object> values;

    private MemberCursor(List<Object> values) {
        this.values = List.copyOf(values);
    }

    /** The cursor just after {@code member} in the order {@code sort} (the id is added as the last key). */
    public static MemberCursor after(Member member, Sort sort) {
        List<Object> values = new ArrayList<>();
        for (Sort.Order order : MemberSql.orders(sort)) {
            values.add(valueOf(member, order.getProperty()));
        }
        return new MemberCursor(values);
    }

    /** The cursor of these key values: the sort's, in its order, then the id (enums as names). */
    static MemberCursor of(List<Object> values) {
        return new MemberCursor(values);
    }

    /** Reads a cursor made by {@link #encode()} for the same sort; a malformed one is an IllegalArgumentException. */
    public static MemberCursor decode(String text, Sort sort) {
        List<Sort.Order> orders = MemberSql.orders(sort);
        String[] parts = text.split("\\.", -1);
        if (parts.length != orders.size()) {
            throw new IllegalArgumentException("This cursor does not belong to this sort order");
        }
        List<Object> values = new ArrayList<>();
        try {
            for (int i = 0; i < parts.length; i++) {
                String raw = new String(Base64.getUrlDecoder().decode(parts[i]), StandardCharsets.UTF_8);
                values.add(parse(orders.get(i).getProperty(), raw));
            }
        } catch (IllegalArgumentException | DateTimeParseException malformed) {
            throw new IllegalArgumentException("This cursor is malformed; use the 'next' value of a previous page");
        }
        return new MemberCursor(values);
    }

    public String encode() {
        List<String> parts = new ArrayList<>();
        for (Object value : values) {
            parts.add(Base64.getUrlEncoder().withoutPadding().encodeToString(
                    String.valueOf(value).getBytes(StandardCharsets.UTF_8)));
        }
        return String.join(".", parts);
    }

    /** The key values in sort order, the id last; enums as their names (what the columns hold). */
    List<Object> values() {
        return values;
    }

    private static Object valueOf(Member member, String property) {
        return switch (property) {
            case "id" -> member.getId();
            case "fullName" -> member.getFullName();
            case "email" -> member.getEmail();
            case "role" -> member.getRole().name();
            case "status" -> member.getStatus().name();
            case "joinedOn" -> member.getJoinedOn();
            case "createdAt" -> member.getCreatedAt();
            case "updatedAt" -> member.getUpdatedAt();
            default -> throw new IllegalArgumentException("Cannot sort by " + property);
        };
    }

    private static Object parse(String property, String raw) {
        return switch (property) {
            case "id" -> Long.parseLong(raw);
            case "fullName", "email" -> raw;
            case "role" -> MemberRole.valueOf(raw).name();
            case "status" -> MemberStatus.valueOf(raw).name();
            case "joinedOn" -> LocalDate.parse(raw);
            case "createdAt", "updatedAt" -> Instant.parse(raw);
            default -> throw new IllegalArgumentException("Cannot sort by " + property);
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MemberCursor cursor && cursor.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "MemberCursor" + values;
    }
}

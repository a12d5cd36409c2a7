package memberstream.member;

import java.util.Locale;
import org.springframework.data.jpa.domain.Specification;

/**
 * What the members list is narrowed to: a text that name or email must contain (any capitalisation),
 * and optionally one role and one status. Null or blank parts don't filter.
 */
public record MemberFilter(String search, MemberRole role, MemberStatus status) {

    public static final MemberFilter NONE = new MemberFilter(null, null, null);

    Specification<Member> toSpecification() {
        return (root, query, cb) -> {
            var conditions = cb.conjunction();
            if (search != null && !search.isBlank()) {
                String pattern = "%" + escapeLike(search.strip().toLowerCase(Locale.ROOT)) + "%";
                conditions = cb.and(conditions, cb.or(
                        cb.like(cb.lower(root.get("fullName")), pattern, '\\'),
                        cb.like(cb.lower(root.get("email")), pattern, '\\')));
            }
            if (role != null) {
                conditions = cb.and(conditions, cb.equal(root.get("role"), role));
            }
            if (status != null) {
                conditions = cb.and(conditions, cb.equal(root.get("status"), status));
            }
            return conditions;
        };
    }

    /** A person searching for "50%" or "a_b" means those characters, not LIKE wildcards. */
    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}

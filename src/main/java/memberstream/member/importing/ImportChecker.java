package memberstream.member.importing;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import memberstream.member.DuplicateEmailException;
import memberstream.member.Member;
import memberstream.member.MemberBatchWriter;
import memberstream.member.MemberRole;
import memberstream.member.MemberStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Validates an import file row by row, saving nothing: each row is turned into a new {@link Member}
 * and checked against the same constraints as the form and the API (their messages, their field
 * names), then emails are checked for duplicates within the file (the first row keeps it) and against
 * the members already saved (one query per {@value #EMAIL_CHUNK} emails). Stateless; any thread.
 */
@Component
class ImportChecker {

    static final int EMAIL_CHUNK = 5_000;
    static final String FIELD_COUNT = "row";

    private final Validator validator;
    private final Function<Collection<String>, Set<String>> takenEmails;
    private final ImportLimits limits;

    @Autowired
    ImportChecker(ValidatorFactory validators, MemberBatchWriter members, ImportLimits limits) {
        this(withoutJpaReachability(validators), members::takenEmails, limits);
    }

    /**
     * The factory's validator (its messages, its clock) without the JPA traversable resolver: a new
     * member has no lazy state to protect, and asking JPA whether each property is loaded was a fifth
     * of the check's CPU (100,000 rows: 5 property lookups a row through Hibernate's PersistenceUtil).
     */
    static Validator withoutJpaReachability(ValidatorFactory validators) {
        return validators.usingContext().traversableResolver(new EverythingReachable()).getValidator();
    }

    /** @param takenEmails which of these emails members already use (as asked) */
    ImportChecker(Validator validator, Function<Collection<String>, Set<String>> takenEmails, ImportLimits limits) {
        this.validator = validator;
        this.takenEmails = takenEmails;
        this.limits = limits;
    }

    ImportCheck check(String fileName, InputStream csv) {
        MemberCsv.Parsed parsed = MemberCsv.read(csv, limits);
        List<ImportProblem> problems = new ArrayList<>();
        List<ImportRow> candidates = new ArrayList<>();
        Map<String, Long> firstLineOfEmail = new HashMap<>();
        for (MemberCsv.Row row : parsed.rows()) {
            List<ImportProblem> rowProblems = new ArrayList<>();
            if (row.fieldCount() != parsed.columnCount()) {
                rowProblems.add(new ImportProblem(row.line(), FIELD_COUNT, "This row has " + row.fieldCount()
                        + " field(s); the header has " + parsed.columnCount()
                        + " (a value with a comma goes in double quotes)"));
            } else {
                Member member = toMember(row, rowProblems);
                Set<ConstraintViolation<Member>> violations = validator.validate(member);
                if (!violations.isEmpty()) {
                    Set<String> refusedFields = rowProblems.stream().map(ImportProblem::field)
                            .collect(Collectors.toSet());
                    for (ConstraintViolation<Member> violation : violations) {
                        String field = violation.getPropertyPath().toString();
                        if (!refusedFields.contains(field)) { // "Choose a role" adds nothing to "Use one of ..."
                            rowProblems.add(new ImportProblem(row.line(), field, violation.getMessage()));
                        }
                    }
                }
                if (rowProblems.stream().noneMatch(problem -> problem.field().equals("email"))) {
                    String key = member.getEmail().toLowerCase(Locale.ROOT);
                    Long first = firstLineOfEmail.putIfAbsent(key, row.line());
                    if (first != null) {
                        rowProblems.add(new ImportProblem(row.line(), "email",
                                "This email address is also on line " + first + " of the file"));
                    }
                }
                if (rowProblems.isEmpty()) {
                    candidates.add(new ImportRow(row.line(), member));
                }
            }
            if (!rowProblems.isEmpty()) {
                rowProblems.sort(Comparator.comparing(ImportProblem::field).thenComparing(ImportProblem::message));
                problems.addAll(rowProblems);
            }
        }
        List<ImportRow> valid = withoutTakenEmails(candidates, problems);
        problems.sort(Comparator.comparingLong(ImportProblem::line));
        return new ImportCheck(fileName, parsed.rows().size(), valid, problems);
    }

    private List<ImportRow> withoutTakenEmails(List<ImportRow> candidates, List<ImportProblem> problems) {
        Set<String> taken = new HashSet<>();
        for (int from = 0; from < candidates.size(); from += EMAIL_CHUNK) {
            List<String> emails = candidates.subList(from, Math.min(candidates.size(), from + EMAIL_CHUNK)).stream()
                    .map(row -> row.member().getEmail()).toList();
            taken.addAll(takenEmails.apply(emails));
        }
        if (taken.isEmpty()) {
            return candidates;
        }
        List<ImportRow> valid = new ArrayList<>(candidates.size());
        for (ImportRow row : candidates) {
            if (taken.contains(row.member().getEmail())) {
                problems.add(new ImportProblem(row.line(), "email", DuplicateEmailException.MESSAGE));
            } else {
                valid.add(row);
            }
        }
        return valid;
    }

    /** The row's values as a new member; values that are not a role, status or date are problems. */
    private static Member toMember(MemberCsv.Row row, List<ImportProblem> problems) {
        Map<String, String> values = row.values();
        Member member = new Member();
        member.setFullName(values.get("fullName"));
        member.setEmail(values.get("email"));
        member.setPhone(values.get("phone"));
        member.setNotes(values.get("notes"));
        member.setRole(parseEnum(MemberRole.class, values.get("role"), row.line(), "role", problems));
        member.setStatus(parseEnum(MemberStatus.class, values.get("status"), row.line(), "status", problems));
        String joined = blankToNull(values.get("joinedOn"));
        if (joined != null) {
            try {
                member.setJoinedOn(LocalDate.parse(joined));
            } catch (DateTimeParseException e) {
                problems.add(new ImportProblem(row.line(), "joinedOn",
                        "Cannot read '" + joined + "' as LocalDate (use YYYY-MM-DD, like 2024-03-01)"));
            }
        }
        return member;
    }

    /** The constant of this name, in any capitalisation; blank is null (the validator then says it is missing). */
    private static <E extends Enum<E>> E parseEnum(Class<E> type, String raw, long line, String field,
                                                   List<ImportProblem> problems) {
        String value = blankToNull(raw);
        if (value == null) {
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        problems.add(new ImportProblem(line, field, "Use one of " + Arrays.stream(type.getEnumConstants())
                .map(Enum::name).collect(Collectors.joining(", "))));
        return null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Every property is validated: the members checked here are new objects, never JPA proxies. */
    private static final class EverythingReachable implements TraversableResolver {
        @Override
        public boolean isReachable(Object bean, Path.Node property, Class<?> rootType, Path path, ElementType type) {
            return true;
        }

        @Override
        public boolean isCascadable(Object bean, Path.Node property, Class<?> rootType, Path path, ElementType type) {
            return true;
        }
    }
}

package memberstream.member.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import memberstream.member.DuplicateEmailException;
import memberstream.member.MemberRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The CSV format and the row checks, with the real constraints of Member and a set standing in for the table. */
class ImportCheckerTest {

    private static final jakarta.validation.ValidatorFactory FACTORY = Validation.buildDefaultValidatorFactory();
    private static final Validator VALIDATOR = ImportChecker.withoutJpaReachability(FACTORY);
    private static final String HEADER = "fullName,email,phone,role,status,joinedOn,notes\n";

    private final Set<String> saved = new HashSet<>(Set.of("taken@example.org"));
    private final ImportChecker checker = checker(new ImportLimits(100_000, DataSize.ofMegabytes(64), 1000));

    @AfterAll
    static void close() {
        FACTORY.close();
    }

    private ImportChecker checker(ImportLimits limits) {
        return new ImportChecker(VALIDATOR, (Collection<String> emails) -> {
            Set<String> taken = new HashSet<>();
            for (String email : emails) {
                if (saved.contains(email.toLowerCase())) {
                    taken.add(email);
                }
            }
            return taken;
        }, limits);
    }

    private ImportCheck check(String csv) {
        return checker.check("test.csv", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void validRowsBecomeMembersWithQuotedCommasQuotesAndLineBreaks() {
        ImportCheck check = check(HEADER
                + "Ada Lovelace,ada@example.org,+44 20 1234,member,ACTIVE,2024-03-01,\n"
                + "\"King, Grace\",grace@example.org,,BOARD,pending,2023-01-31,\"She said \"\"hi\"\"\nand left\"\r\n"
                + "\n"
                + "Alan Turing,alan@example.org,,STAFF,LEFT,2020-06-23,plain\n");

        assertThat(check.totalRows()).isEqualTo(3);
        assertThat(check.problems()).isEmpty();
        assertThat(check.validRows()).extracting(ImportRow::line).containsExactly(2L, 3L, 6L);
        var grace = check.validRows().get(1).member();
        assertThat(grace.getFullName()).isEqualTo("King, Grace");
        assertThat(grace.getRole()).isEqualTo(MemberRole.BOARD);
        assertThat(grace.getNotes()).isEqualTo("She said \"hi\"\nand left");
        assertThat(check.validRows().get(0).member().getPhone()).isEqualTo("+44 20 1234");
    }

    @Test
    void formulaTextIsExportedBehindAQuoteThatTheImportTakesOff() {
        for (String value : List.of("=1+2", "+44 20", "-x", "@SUM(A1)", "\tTab", "\rCR", "'quoted", "''=two", "plain", "")) {
            assertThat(MemberCsv.restored(MemberCsv.neutralised(value))).as(value).isEqualTo(value);
        }
        assertThat(MemberCsv.neutralised("=HYPERLINK(\"x\")")).isEqualTo("'=HYPERLINK(\"x\")");
        assertThat(MemberCsv.neutralised("O'Brien")).isEqualTo("O'Brien");
        assertThat(MemberCsv.neutralised(null)).isNull();

        ImportCheck check = check(HEADER
                + "'=Eve Formula,'-eve@example.org,'+44 20,MEMBER,ACTIVE,2024-03-01,'-minus\n"
                + "'Quoted Name,quoted@example.org,,MEMBER,ACTIVE,2024-03-01,\n");

        assertThat(check.problems()).isEmpty();
        var eve = check.validRows().get(0).member();
        assertThat(eve.getFullName()).isEqualTo("=Eve Formula");
        assertThat(eve.getEmail()).isEqualTo("-eve@example.org");
        assertThat(eve.getPhone()).isEqualTo("+44 20");
        assertThat(eve.getNotes()).isEqualTo("-minus");
        // a quote before anything else is the person's own
        assertThat(check.validRows().get(1).member().getFullName()).isEqualTo("'Quoted Name");
    }

    @Test
    void everyRefusedRowIsReportedWithTheApisWords() {
        ImportCheck check = check(HEADER
                + "Ada,not-an-email,,MEMBER,ACTIVE,2024-03-01,\n"
                + ",b@example.org,,CAPTAIN,ACTIVE,2024-13-01,\n"
                + "Cy,TAKEN@example.org,,MEMBER,ACTIVE,2024-03-01,\n"
                + "Di,di@example.org,,MEMBER,ACTIVE,2024-03-01,\n"
                + "Di again,DI@example.org,,MEMBER,ACTIVE,2024-03-01,\n"
                + "Ed,ed@example.org,,MEMBER,ACTIVE\n"
                + "Fe,fe@example.org,abc,MEMBER,,2999-01-01,\n");

        assertThat(check.totalRows()).isEqualTo(7);
        assertThat(check.valid()).isEqualTo(1);
        assertThat(check.refused()).isEqualTo(6);
        assertThat(check.problems()).containsExactly(
                new ImportProblem(2, "email", "Enter a valid email address, like name@example.org"),
                new ImportProblem(3, "fullName", "Enter the member's full name"),
                new ImportProblem(3, "joinedOn", "Cannot read '2024-13-01' as LocalDate (use YYYY-MM-DD, like 2024-03-01)"),
                new ImportProblem(3, "role", "Use one of MEMBER, VOLUNTEER, STAFF, BOARD"),
                new ImportProblem(4, "email", DuplicateEmailException.MESSAGE),
                new ImportProblem(6, "email", "This email address is also on line 5 of the file"),
                new ImportProblem(7, "row", "This row has 5 field(s); the header has 7 (a value with a comma goes in double quotes)"),
                new ImportProblem(8, "joinedOn", "The join date cannot be in the future"),
                new ImportProblem(8, "phone", "Use digits, spaces and + ( ) - . / only"),
                new ImportProblem(8, "status", "Choose a status"));
        assertThat(check.validRows()).extracting(ImportRow::line).containsExactly(5L);
    }

    @Test
    void headerColumnsMayComeInAnyOrderAndCaseWithExportColumnsIgnored() {
        ImportCheck check = check("\uFEFFid,EMAIL,fullname,Role,status,joinedOn,createdAt\n"
                + "17,ada@example.org,Ada,MEMBER,ACTIVE,2024-03-01,2024-03-01T10:00:00Z\n");

        assertThat(check.problems()).isEmpty();
        assertThat(check.validRows().get(0).member().getEmail()).isEqualTo("ada@example.org");
        assertThat(check.validRows().get(0).member().getId()).isNull();
    }

    @Test
    void aFileThatIsNotTheFormatIsRefusedWhole() {
        assertThatThrownBy(() -> check("")).isInstanceOf(ImportFileException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> check("fullName,email,role,status\n"))
                .hasMessageContaining("lacks the column(s) joinedOn");
        assertThatThrownBy(() -> check("fullName,email,role,status,joinedOn,nickname\n"))
                .hasMessageContaining("unknown column(s) 'nickname'");
        assertThatThrownBy(() -> check(HEADER + "Ada,\"a@example.org,,MEMBER,ACTIVE,2024-03-01,\n"))
                .isInstanceOf(ImportFileException.class).hasMessageContaining("not valid CSV");
        byte[] latin1 = (HEADER + "Zoë,z@example.org,,MEMBER,ACTIVE,2024-03-01,\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> checker.check("x.csv", new ByteArrayInputStream(latin1)))
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void tooManyRowsOrBytesAreRefusedAsTooLarge() {
        ImportChecker small = checker(new ImportLimits(2, DataSize.ofBytes(200), 1000));
        String rows = HEADER + "A,a@example.org,,MEMBER,ACTIVE,2024-03-01,\n".repeat(1)
                + "B,b@example.org,,MEMBER,ACTIVE,2024-03-01,\n" + "C,c@example.org,,MEMBER,ACTIVE,2024-03-01,\n";
        assertThatThrownBy(() -> small.check("x", new ByteArrayInputStream(rows.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(ImportFileException.class, e -> assertThat(e.tooLarge()).isTrue())
                .hasMessageContaining("more than 2 rows");
        String big = HEADER + "A,a@example.org,,MEMBER,ACTIVE,2024-03-01," + "x".repeat(300) + "\n";
        assertThatThrownBy(() -> small.check("x", new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(ImportFileException.class, e -> assertThat(e.tooLarge()).isTrue())
                .hasMessageContaining("larger than 200 bytes");
        assertThat(List.of(small)).isNotEmpty();
    }
}

package memberstream.member.importing;

import java.util.List;

/**
 * A validated import file: the rows that can be saved and every problem of the rows that cannot.
 * Nothing of it is saved until it is passed to {@link MemberImports#start}. Immutable.
 *
 * @param fileName  as uploaded (may be null)
 * @param totalRows data rows read (the header not counted)
 */
public record ImportCheck(String fileName, int totalRows, List<ImportRow> validRows, List<ImportProblem> problems) {

    public ImportCheck {
        validRows = List.copyOf(validRows);
        problems = List.copyOf(problems);
    }

    /** Rows that can be saved. */
    public int valid() {
        return validRows.size();
    }

    /** Rows refused (a row with several problems counts once). */
    public int refused() {
        return totalRows - validRows.size();
    }
}

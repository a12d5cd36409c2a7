package memberstream.member.importing;

/**
 * Why one row of an import file was refused: its line in the file (the header is line 1; a row with
 * a quoted line break is numbered by its first line), the column, and the reason in the same words as
 * the form and the REST API use for that field.
 */
public record ImportProblem(long line, String field, String message) {
}

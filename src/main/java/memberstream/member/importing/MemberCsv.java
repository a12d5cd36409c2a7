package memberstream.member.importing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The members CSV file: UTF-8 (a leading byte-order mark is ignored), RFC 4180 (comma-separated,
 * fields with commas, quotes or line breaks in double quotes, a quote doubled inside them), lines
 * ending in CRLF or LF, empty lines skipped. The first row is the header: column names in any order and
 * capitalisation; {@link #REQUIRED} must be there, {@link #OPTIONAL} may, the export's own
 * {@link #IGNORED} columns are read past (so an export imports as it is), anything else is refused
 * (a typo would otherwise lose a column silently). Export writes {@link #EXPORT_COLUMNS} in that order.
 *
 * <p>Free-text values ({@link #TEXT_COLUMNS}) that a spreadsheet would run as a formula (starting with
 * {@code = + - @}, a tab or a carriage return) are exported behind a {@code '}, as OWASP's CSV injection
 * advice has it; so is a value already starting with {@code '}. Import takes one leading {@code '} off
 * when a formula character or another {@code '} follows it, so an export imports as it was.
 *
 * <p>Reading is strict and bounded: at most {@code maxRows} data rows and {@code maxSize} bytes, else the
 * whole file is refused; malformed quoting or bytes that are not UTF-8 refuse the file naming the line.
 * Stateless; any thread.
 */
public final class MemberCsv {

    public static final List<String> REQUIRED = List.of("fullName", "email", "role", "status", "joinedOn");
    public static final List<String> OPTIONAL = List.of("phone", "notes");
    public static final List<String> IGNORED = List.of("id", "createdAt", "updatedAt", "version");
    public static final List<String> EXPORT_COLUMNS = List.of(
            "id", "fullName", "email", "phone", "role", "status", "joinedOn", "notes", "createdAt", "updatedAt");

    /** Columns a person types freely: neutralised on export, restored on import. */
    public static final Set<String> TEXT_COLUMNS = Set.of("fullName", "email", "phone", "notes");

    /** RFC 4180 as written: CRLF between records. */
    public static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

    /** One data row: its first line in the file and its values by column name (known columns only). */
    record Row(long line, Map<String, String> values, int fieldCount) {
    }

    /** The header's known columns and the data rows, in file order. */
    record Parsed(int columnCount, List<Row> rows) {
    }

    private MemberCsv() {
    }

    /** Reads the whole file; see the class comment for what refuses it. */
    static Parsed read(InputStream in, ImportLimits limits) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        Reader reader = new InputStreamReader(new BoundedInputStream(in, limits.maxSize().toBytes()), decoder);
        try (CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            long line = 1;
            if (!hasNext(records, parser)) {
                throw new ImportFileException("The file is empty: the first line must name the columns, e.g. "
                        + String.join(",", REQUIRED));
            }
            CSVRecord headerRecord = next(records, parser, line);
            List<String> columns = header(headerRecord);
            List<Row> rows = new ArrayList<>();
            long previousLastLine = parser.getCurrentLineNumber();
            line = previousLastLine + 1;
            while (hasNext(records, parser)) {
                CSVRecord record = next(records, parser, line);
                if (rows.size() >= limits.maxRows()) {
                    throw new ImportFileException("The file has more than " + limits.maxRows()
                            + " rows; split it into files of at most that many", true);
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 0; i < Math.min(columns.size(), record.size()); i++) {
                    String column = columns.get(i);
                    if (column != null) {
                        values.put(column, TEXT_COLUMNS.contains(column) ? restored(record.get(i)) : record.get(i));
                    }
                }
                long lastLine = parser.getCurrentLineNumber();
                // one line further than the previous record: no line break inside, nothing to count
                long firstLine = lastLine == previousLastLine + 1 ? lastLine : firstLineOf(record, lastLine);
                rows.add(new Row(firstLine, values, record.size()));
                previousLastLine = lastLine;
                line = lastLine + 1;
            }
            return new Parsed(columns.size(), rows);
        } catch (IOException e) {
            throw refusal(e, -1);
        }
    }

    /**
     * {@code value} as a spreadsheet shows it as text: behind a {@code '} if it starts with a formula
     * character or with a {@code '} (so that {@link #restored} can tell the two apart); null stays null.
     */
    public static String neutralised(String value) {
        return value != null && !value.isEmpty() && (isFormulaStart(value.charAt(0)) || value.charAt(0) == '\'')
                ? "'" + value
                : value;
    }

    /** The inverse of {@link #neutralised}: one leading {@code '} off when a formula character or {@code '} follows. */
    static String restored(String value) {
        return value.length() > 1 && value.charAt(0) == '\''
                && (isFormulaStart(value.charAt(1)) || value.charAt(1) == '\'')
                ? value.substring(1)
                : value;
    }

    private static boolean isFormulaStart(char c) {
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    }

    /**
     * The record's first line: the parser's line number is the record's last line (empty lines skipped
     * before it included), less the line breaks quoted inside its values (CRLF, LF or CR, each one).
     */
    static long firstLineOf(CSVRecord record, long lastLine) {
        long breaks = 0;
        for (String value : record) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\n' || (c == '\r' && (i + 1 == value.length() || value.charAt(i + 1) != '\n'))) {
                    breaks++;
                }
            }
        }
        return lastLine - breaks;
    }

    /** Column names by position (null: an ignored column); refuses unknown, repeated or missing ones. */
    private static List<String> header(CSVRecord header) {
        Map<String, String> known = new LinkedHashMap<>();
        for (String name : REQUIRED) {
            known.put(name.toLowerCase(Locale.ROOT), name);
        }
        for (String name : OPTIONAL) {
            known.put(name.toLowerCase(Locale.ROOT), name);
        }
        Set<String> ignored = Set.copyOf(IGNORED.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList());
        List<String> columns = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String raw = header.get(i);
            if (i == 0 && raw.startsWith("\uFEFF")) {
                raw = raw.substring(1); // a byte-order mark, as spreadsheet programs write
            }
            String name = raw.strip().toLowerCase(Locale.ROOT);
            if (ignored.contains(name)) {
                columns.add(null);
            } else if (known.containsKey(name)) {
                String column = known.get(name);
                if (columns.contains(column)) {
                    throw new ImportFileException("Line 1: the column " + column + " is named twice");
                }
                columns.add(column);
            } else {
                unknown.add(raw.isBlank() ? "(column " + (i + 1) + ", no name)" : "'" + raw + "'");
            }
        }
        if (!unknown.isEmpty()) {
            throw new ImportFileException("Line 1: unknown column(s) " + String.join(", ", unknown)
                    + "; the columns are " + String.join(", ", REQUIRED) + ", and optionally "
                    + String.join(", ", OPTIONAL));
        }
        List<String> missing = REQUIRED.stream().filter(name -> !columns.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw new ImportFileException("Line 1: the header lacks the column(s) " + String.join(", ", missing)
                    + "; the first line must name the columns, e.g. " + String.join(",", REQUIRED));
        }
        return columns;
    }

    private static boolean hasNext(Iterator<CSVRecord> records, CSVParser parser) {
        try {
            return records.hasNext();
        } catch (UncheckedIOException | IllegalStateException e) {
            throw refusal(e, parser.getCurrentLineNumber() + 1);
        }
    }

    private static CSVRecord next(Iterator<CSVRecord> records, CSVParser parser, long line) {
        try {
            return records.next();
        } catch (UncheckedIOException | IllegalStateException e) {
            throw refusal(e, line);
        }
    }

    private static ImportFileException refusal(Exception e, long line) {
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        if (cause instanceof ImportFileException file) {
            return file;
        }
        if (cause != null && cause.getCause() instanceof ImportFileException file) {
            return file;
        }
        String where = line > 0 ? "Line " + line + ": " : "";
        if (cause instanceof CharacterCodingException) {
            return new ImportFileException(where + "the file is not UTF-8 text; save it as CSV UTF-8");
        }
        return new ImportFileException(where + "this is not valid CSV (" + cause.getMessage()
                + "); a field with a comma, quote or line break goes in double quotes, a quote inside it doubled");
    }

    /** Counts bytes as they are read and refuses the file past the limit (before reading it all). */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private final long limit;
        private long count;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) throws IOException {
            count += n;
            if (count > limit) {
                throw new IOException(new ImportFileException("The file is larger than "
                        + (limit >= 1024 * 1024 ? limit / (1024 * 1024) + " MB" : limit + " bytes")
                        + "; split it into smaller files", true));
            }
        }
    }
}

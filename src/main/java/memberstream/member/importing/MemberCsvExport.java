package memberstream.member.importing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import memberstream.member.Member;
import memberstream.member.MemberCursor;
import memberstream.member.MemberFilter;
import memberstream.member.MemberService;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Component;

/**
 * Writes the members matching a filter as CSV ({@link MemberCsv#EXPORT_COLUMNS}, UTF-8, RFC 4180, free
 * text that a spreadsheet would run as a formula behind a {@code '}: {@link MemberCsv#neutralised}),
 * streamed page by page: each page of {@value #PAGE} is one short read-only query sought from the
 * previous page's last row ({@link MemberCursor}), so memory and each query's cost stay bounded however
 * many members match. A sort whose orders run in different directions cannot be sought and pages by
 * offset. Stateless; any thread.
 */
@Component
public class MemberCsvExport {

    static final int PAGE = 1_000;

    private final MemberService members;

    public MemberCsvExport(MemberService members) {
        this.members = members;
    }

    /** Writes every matching member to {@code out} (left open) in {@code sort} order; returns how many. */
    public long write(MemberFilter filter, Sort sort, OutputStream out) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(writer, MemberCsv.FORMAT);
        csv.printRecord(MemberCsv.EXPORT_COLUMNS);
        boolean seekable = MemberService.seekable(sort);
        MemberCursor after = null;
        long written = 0;
        while (true) {
            List<Member> page = seekable
                    ? members.listWithoutTimeout(filter, sort, after, 0, PAGE)
                    : members.listWithoutTimeout(filter, sort, null, written, PAGE);
            for (Member member : page) {
                csv.printRecord(member.getId(), MemberCsv.neutralised(member.getFullName()),
                        MemberCsv.neutralised(member.getEmail()), MemberCsv.neutralised(member.getPhone()),
                        member.getRole().name(), member.getStatus().name(), member.getJoinedOn(),
                        MemberCsv.neutralised(member.getNotes()),
                        member.getCreatedAt(), member.getUpdatedAt());
            }
            written += page.size();
            csv.flush();
            if (page.size() < PAGE) {
                return written;
            }
            if (seekable) {
                after = MemberCursor.after(page.get(page.size() - 1), sort);
            }
        }
    }
}

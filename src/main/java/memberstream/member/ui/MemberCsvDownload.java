package memberstream.member.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.server.streams.DownloadHandler;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import memberstream.member.Member;
import memberstream.member.MemberFilter;
import memberstream.member.MemberService;
import memberstream.member.importing.MemberCsvExport;
import org.springframework.data.domain.Sort;

/**
 * The Members page's Export link: downloads the members of the page's current filter, in the grid's
 * current order, as CSV ({@link MemberCsvExport}: streamed, keyset-paged). The filter and sort are read
 * when the download starts. Not thread-safe beyond that read: one per view.
 */
final class MemberCsvDownload extends Anchor {

    MemberCsvDownload(MemberService members, Grid<Member> grid, Supplier<MemberFilter> filter) {
        MemberCsvExport export = new MemberCsvExport(members);
        setText("Export CSV");
        setId("members-export");
        getElement().setAttribute("download", true);
        setHref((DownloadHandler) event -> {
            MemberFilter current = filter.get();
            Sort sort = sortOf(grid.getSortOrder());
            event.setFileName("members.csv");
            event.setContentType("text/csv; charset=UTF-8");
            try (OutputStream out = event.getOutputStream()) {
                export.write(current, sort, out);
            }
        });
    }

    static Sort sortOf(List<GridSortOrder<Member>> orders) {
        List<Sort.Order> sort = new ArrayList<>();
        for (GridSortOrder<Member> order : orders) {
            order.getSorted().getSortOrder(order.getDirection()).forEach(query -> sort.add(
                    query.getDirection() == SortDirection.ASCENDING ? Sort.Order.asc(query.getSorted())
                            : Sort.Order.desc(query.getSorted())));
        }
        return sort.isEmpty() ? Sort.by("fullName") : Sort.by(sort);
    }
}

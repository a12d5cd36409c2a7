package memberstream.live.deliveries.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import memberstream.live.deliveries.DeliveredObject;
import memberstream.live.deliveries.DeliveryBrowser;
import memberstream.live.deliveries.DeliveryBrowser.ObjectRow;

/**
 * One delivered object, decoded, in a dialog over the page (where the user is looking, whatever the
 * scroll position): what it holds, the records (each cut at {@link #RECORD_CHARS_SHOWN} characters,
 * at most {@link #RECORDS_SHOWN} of them), and a download of the object as stored.
 */
final class ObjectViewer extends Dialog {

    static final int RECORD_CHARS_SHOWN = 64 * 1024;
    static final int RECORDS_SHOWN = 200;

    ObjectViewer(DeliveryBrowser browser, ObjectRow object, DeliveredObject decoded) {
        setId("opened-dialog");
        setHeaderTitle(object.key());
        setWidth("min(70rem, 100vw)");
        setMaxHeight("90vh");
        Div content = new Div();
        content.setId("opened-object");
        String fileName = object.key().substring(object.key().lastIndexOf('/') + 1);
        // Streamed from S3 as stored: the download costs the console no memory, whatever the object's size.
        Anchor download = new Anchor(DownloadHandler.fromInputStream(event -> new DownloadResponse(
                browser.downloadStream(object.bucket(), object.key()), fileName, "application/octet-stream",
                object.size())), "Download as stored (" + DeliveryBrowserView.humanBytes(object.size()) + ")");
        download.setId("download-object");
        download.getElement().setAttribute("download", true);
        Span summary = new Span(decoded.records().size() + " record(s), " + decoded.compression() + ", "
                + DeliveryBrowserView.humanBytes(decoded.content().length) + " decompressed"
                + (decoded.json() ? "" : " (not JSON: shown line by line)"));
        summary.setId("opened-summary");
        Span key = new Span("s3://" + object.bucket() + "/" + object.key());
        key.setId("opened-key");
        content.add(new Div(key), new Div(summary));
        if (decoded.cut()) {
            Paragraph cut = new Paragraph("Only the start of this object is shown: the console reads at most "
                    + DeliveryBrowserView.humanBytes(DeliveredObject.MAX_CONTENT_BYTES) + " once decompressed and "
                    + DeliveredObject.MAX_RECORDS + " records. Download it as stored to see it all.");
            cut.setId("opened-cut");
            content.add(cut);
        }
        decoded.records().stream().limit(RECORDS_SHOWN).forEach(record -> {
            Pre pre = new Pre(record.length() > RECORD_CHARS_SHOWN
                    ? record.substring(0, RECORD_CHARS_SHOWN) + "… (" + record.length() + " characters in all)" : record);
            pre.addClassName("record");
            content.add(pre);
        });
        if (decoded.records().size() > RECORDS_SHOWN) {
            content.add(new Paragraph("… and " + (decoded.records().size() - RECORDS_SHOWN)
                    + " more: download the object to see them all."));
        }
        add(content);
        Button close = new Button("Close", e -> close());
        close.setId("close-object");
        getFooter().add(download, close);
    }
}

package memberstream.live.tail;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import memberstream.live.Axis;
import memberstream.live.EventTypes;
import memberstream.live.SvgCanvas;

/**
 * Draws events per minute by type as stacked bars, with the latest anomaly outlined in red. Drawn for
 * the width it is shown at (a phone's is about half a desktop's), so that its text is not scaled down:
 * narrower, the time labels are spaced further apart and the legend gets a line of its own.
 */
public final class EventRateChart {

    public static final int WIDTH = 720;
    static final int HEIGHT = 260;
    /** Below this width the legend moves to a line of its own under the title. */
    static final int NARROW = 520;
    private static final int LEFT = 44;
    private static final int RIGHT = 12;
    private static final int TOP = 34;
    private static final int LEGEND_LINE = 18;
    private static final int BOTTOM = 28;
    /** Room for one HH:mm label at font size 11, with a gap. */
    private static final int LABEL_ROOM = 44;

    private EventRateChart() {
    }

    public static String render(RollingAnalytics.Snapshot snapshot, ZoneId zone) {
        return render(snapshot, zone, WIDTH);
    }

    /** Drawn {@code width} user units wide, meant to be shown at that many CSS pixels. */
    public static String render(RollingAnalytics.Snapshot snapshot, ZoneId zone, int width) {
        boolean narrow = width < NARROW;
        int chartTop = narrow ? TOP + LEGEND_LINE : TOP;
        SvgCanvas svg = new SvgCanvas(width, HEIGHT, "Events per minute by type");
        List<java.time.Instant> minutes = snapshot.minutes();
        int n = minutes.size();
        double plotW = width - LEFT - RIGHT;
        double plotH = HEIGHT - chartTop - BOTTOM;
        int top = Axis.niceCeiling(Math.max(1, snapshot.max()));
        double slot = plotW / n;
        int labelEvery = labelEvery(slot);
        double barW = Math.max(1, slot * 0.72);
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm").withZone(zone);

        svg.rect(LEFT, chartTop, plotW, plotH, "#fafbfc", null, null);
        for (int tick : Axis.ticks(top)) {
            double y = chartTop + plotH - plotH * tick / top;
            svg.line(LEFT, y, LEFT + plotW, y, "#e1e4e8", 1, null);
            svg.text(LEFT - 6, y + 4, Integer.toString(tick), "end", 11, "#57606a", false);
        }
        svg.line(LEFT, chartTop + plotH, LEFT + plotW, chartTop + plotH, "#57606a", 1, null);

        RollingAnalytics.Anomaly anomaly = snapshot.latestAnomaly().orElse(null);
        for (int i = 0; i < n; i++) {
            double x = LEFT + i * slot + (slot - barW) / 2;
            double y = chartTop + plotH;
            boolean anomalous = anomaly != null && anomaly.minute().equals(minutes.get(i));
            // the outline goes around the burst's own type, not the minute's whole stack: a burst of
            // changes on top of many creations must not look like a burst of creations
            double burstY = chartTop + plotH - plotH * snapshot.total(i) / top;
            double burstH = plotH * snapshot.total(i) / top;
            for (Map.Entry<String, int[]> entry : snapshot.countsByType().entrySet()) {
                int count = entry.getValue()[i];
                if (count == 0) {
                    continue;
                }
                double h = plotH * count / top;
                y -= h;
                svg.rect(x, y, barW, h, EventTypes.color(entry.getKey()), "bar",
                        hhmm.format(minutes.get(i)) + " " + EventTypes.shortName(entry.getKey()) + ": " + count);
                if (anomalous && entry.getKey().equals(anomaly.type())) {
                    burstY = y;
                    burstH = h;
                }
            }
            if (i % labelEvery == (n - 1) % labelEvery) {
                svg.text(LEFT + i * slot + slot / 2, HEIGHT - BOTTOM + 16, hhmm.format(minutes.get(i)), "middle", 11,
                        "#57606a", false);
            }
            if (anomalous) {
                double stackTop = chartTop + plotH - plotH * snapshot.total(i) / top;
                svg.outline(x - 2, burstY - 2, barW + 4, burstH + 4, "#d83a3a", 2.5, anomaly.describe());
                double labelX = Math.min(Math.max(x + barW / 2, LEFT + 90), LEFT + plotW - 90);
                svg.text(labelX, Math.max(chartTop + 12, stackTop - 8),
                        "burst: " + anomaly.count() + " " + EventTypes.shortName(anomaly.type()), "middle", 12,
                        "#d83a3a", true);
            }
        }
        drawLegend(svg, snapshot, narrow);
        if (snapshot.countsByType().isEmpty()) {
            svg.text(LEFT + plotW / 2, chartTop + plotH / 2, "No events in the last " + n + " minutes", "middle", 13,
                    "#57606a", false);
        }
        return svg.toSvg();
    }

    /** Every fifth minute when there is room, else every tenth, fifteenth...: labels never overlap. */
    static int labelEvery(double slot) {
        int every = 5;
        while (every * slot < LABEL_ROOM) {
            every += 5;
        }
        return every;
    }

    private static void drawLegend(SvgCanvas svg, RollingAnalytics.Snapshot snapshot, boolean narrow) {
        double x = LEFT;
        svg.text(x, 18, "Events per minute", "start", 13, "#24292f", true);
        x += 140;
        int y = 18;
        if (narrow) {
            x = LEFT;
            y += LEGEND_LINE;
        }
        for (String type : snapshot.countsByType().keySet()) {
            String name = EventTypes.shortName(type);
            svg.rect(x, y - 10, 12, 12, EventTypes.color(type), null, type);
            svg.text(x + 16, y, name, "start", 12, "#24292f", false);
            x += 28 + name.length() * 7;
        }
    }
}

package memberstream.live.tail;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import memberstream.live.Axis;
import memberstream.live.EventTypes;
import memberstream.live.SvgCanvas;

/** Draws events per minute by type as stacked bars, with the latest anomaly outlined in red. */
public final class EventRateChart {

    static final int WIDTH = 720;
    static final int HEIGHT = 260;
    private static final int LEFT = 44;
    private static final int RIGHT = 12;
    private static final int TOP = 34;
    private static final int BOTTOM = 28;

    private EventRateChart() {
    }

    public static String render(RollingAnalytics.Snapshot snapshot, ZoneId zone) {
        SvgCanvas svg = new SvgCanvas(WIDTH, HEIGHT, "Events per minute by type");
        List<java.time.Instant> minutes = snapshot.minutes();
        int n = minutes.size();
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        int top = Axis.niceCeiling(Math.max(1, snapshot.max()));
        double slot = plotW / n;
        double barW = Math.max(1, slot * 0.72);
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm").withZone(zone);

        svg.rect(LEFT, TOP, plotW, plotH, "#fafbfc", null, null);
        for (int tick : Axis.ticks(top)) {
            double y = TOP + plotH - plotH * tick / top;
            svg.line(LEFT, y, LEFT + plotW, y, "#e1e4e8", 1, null);
            svg.text(LEFT - 6, y + 4, Integer.toString(tick), "end", 11, "#57606a", false);
        }
        svg.line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "#57606a", 1, null);

        RollingAnalytics.Anomaly anomaly = snapshot.latestAnomaly().orElse(null);
        for (int i = 0; i < n; i++) {
            double x = LEFT + i * slot + (slot - barW) / 2;
            double y = TOP + plotH;
            for (Map.Entry<String, int[]> entry : snapshot.countsByType().entrySet()) {
                int count = entry.getValue()[i];
                if (count == 0) {
                    continue;
                }
                double h = plotH * count / top;
                y -= h;
                svg.rect(x, y, barW, h, EventTypes.color(entry.getKey()), "bar",
                        hhmm.format(minutes.get(i)) + " " + EventTypes.shortName(entry.getKey()) + ": " + count);
            }
            if (i % 5 == (n - 1) % 5) {
                svg.text(LEFT + i * slot + slot / 2, HEIGHT - BOTTOM + 16, hhmm.format(minutes.get(i)), "middle", 11,
                        "#57606a", false);
            }
            if (anomaly != null && anomaly.minute().equals(minutes.get(i))) {
                double total = plotH * snapshot.total(i) / top;
                svg.outline(x - 2, TOP + plotH - total - 2, barW + 4, total + 4, "#d83a3a", 2.5, anomaly.describe());
                double labelX = Math.min(Math.max(x + barW / 2, LEFT + 90), LEFT + plotW - 90);
                svg.text(labelX, Math.max(TOP + 12, TOP + plotH - total - 8),
                        "burst: " + anomaly.count() + " " + EventTypes.shortName(anomaly.type()), "middle", 12,
                        "#d83a3a", true);
            }
        }
        drawLegend(svg, snapshot);
        if (snapshot.countsByType().isEmpty()) {
            svg.text(LEFT + plotW / 2, TOP + plotH / 2, "No events in the last " + n + " minutes", "middle", 13,
                    "#57606a", false);
        }
        return svg.toSvg();
    }

    private static void drawLegend(SvgCanvas svg, RollingAnalytics.Snapshot snapshot) {
        double x = LEFT;
        svg.text(x, 18, "Events per minute", "start", 13, "#24292f", true);
        x += 140;
        for (String type : snapshot.countsByType().keySet()) {
            String name = EventTypes.shortName(type);
            svg.rect(x, 8, 12, 12, EventTypes.color(type), null, type);
            svg.text(x + 16, 18, name, "start", 12, "#24292f", false);
            x += 28 + name.length() * 7;
        }
    }
}

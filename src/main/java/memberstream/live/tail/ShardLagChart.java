package memberstream.live.tail;

import java.util.List;
import java.util.Locale;
import memberstream.live.Axis;
import memberstream.live.SvgCanvas;

/**
 * Draws how far behind the tip the consumer is on each shard (GetRecords' MillisBehindLatest). Drawn
 * for the width it is shown at: wide, a shard's name, bar and lag share a line; narrow (a phone), the
 * name and lag stand above a full-width bar, so the text keeps its size instead of being scaled down.
 */
public final class ShardLagChart {

    public static final int WIDTH = 720;
    /** Below this width a shard takes two lines: name and lag, then the bar. */
    static final int NARROW = 520;
    private static final int NARROW_SIDE = 12;
    private static final int NARROW_ROW = 38;
    private static final int LEFT = 170;
    private static final int RIGHT = 110;
    private static final int TOP = 30;
    private static final int ROW = 26;

    private ShardLagChart() {
    }

    /** One shard's lag; {@code millisBehindLatest} null when no GetRecords answered yet. */
    public record Lag(String shardId, Long millisBehindLatest, boolean closed, long throttles) {
    }

    public static String render(List<Lag> lags) {
        return render(lags, WIDTH);
    }

    /** Drawn {@code width} user units wide, meant to be shown at that many CSS pixels. */
    public static String render(List<Lag> lags, int width) {
        boolean narrow = width < NARROW;
        int row = narrow ? NARROW_ROW : ROW;
        int left = narrow ? NARROW_SIDE : LEFT;
        int right = narrow ? NARROW_SIDE : RIGHT;
        int height = TOP + Math.max(1, lags.size()) * row + 24;
        SvgCanvas svg = new SvgCanvas(width, height, "Lag per shard");
        svg.text(narrow ? NARROW_SIDE : 16, 18, "Lag per shard (MillisBehindLatest)", "start", 13, "#24292f", true);
        double plotW = width - left - right;
        long max = lags.stream().map(Lag::millisBehindLatest).filter(v -> v != null).mapToLong(Long::longValue)
                .max().orElse(0);
        int top = Axis.niceCeiling(Math.max(1000, max));
        if (lags.isEmpty()) {
            svg.text(width / 2.0, TOP + 16, "Not reading any shard", "middle", 13, "#57606a", false);
        }
        for (int i = 0; i < lags.size(); i++) {
            Lag lag = lags.get(i);
            double y = TOP + i * row;
            double barY = narrow ? y + 19 : y + 3;
            String name = lag.shardId() + (lag.closed() ? " (closed)" : "");
            if (narrow) {
                svg.text(left, y + 13, name, "start", 12, "#24292f", false);
            } else {
                svg.text(left - 8, y + 15, name, "end", 12, "#24292f", false);
            }
            svg.rect(left, barY, plotW, ROW - 8, "#f3f4f6", null, null);
            Long ms = lag.millisBehindLatest();
            if (ms != null && ms > 0) {
                double w = Math.max(2, plotW * Math.min(ms, top) / top);
                svg.rect(left, barY, w, ROW - 8, ms > 60_000 ? "#d83a3a" : ms > 5_000 ? "#d98a1c" : "#2e9d57", "lag",
                        lag.shardId() + ": " + ms + " ms behind");
            }
            String value = ms == null ? "not read yet" : ms == 0 ? "at tip" : humanMillis(ms) + " behind";
            if (lag.throttles() > 0) {
                value += ", " + lag.throttles() + " throttled";
            }
            String color = lag.throttles() > 0 ? "#d98a1c" : "#57606a";
            if (narrow) {
                svg.text(left + plotW, y + 13, value, "end", 12, color, false);
            } else {
                svg.text(left + plotW + 8, y + 15, value, "start", 12, color, false);
            }
        }
        double axisY = TOP + Math.max(1, lags.size()) * row;
        svg.line(left, axisY, left + plotW, axisY, "#57606a", 1, null);
        svg.text(left, axisY + 16, "0", "start", 11, "#57606a", false);
        svg.text(left + plotW, axisY + 16, humanMillis(top), "end", 11, "#57606a", false);
        return svg.toSvg();
    }

    static String humanMillis(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 3_600_000) {
            return String.format(Locale.ROOT, "%.1f min", ms / 60_000.0);
        }
        return String.format(Locale.ROOT, "%.1f h", ms / 3_600_000.0);
    }
}

package memberstream.live.explorer;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import memberstream.live.HashKeys;
import memberstream.live.ShardRange;
import memberstream.live.SvgCanvas;

/**
 * Draws the hash-key space 0..2^128-1 from left to right with every shard as a box over its range.
 * Each generation of resharding is one row: shards without a listed parent on top, their children
 * below, so a split or a merge reads downwards. Open shards are coloured, closed ones grey; an optional
 * marker shows where a partition key's hash falls.
 */
public final class ShardMapDrawing {

    static final int WIDTH = 720;
    private static final int LEFT = 16;
    private static final int RIGHT = 16;
    private static final int TOP = 30;
    private static final int ROW = 46;
    private static final int AXIS = 34;

    private ShardMapDrawing() {
    }

    public static String render(List<ShardRange> shards, BigInteger marker, String markerLabel) {
        Map<String, Integer> depth = depths(shards);
        int rows = depth.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        int height = TOP + rows * ROW + AXIS + (marker != null ? 14 : 0);
        SvgCanvas svg = new SvgCanvas(WIDTH, height, "Shard map: hash-key range split into shards");
        double plotW = WIDTH - LEFT - RIGHT;
        long open = shards.stream().filter(ShardRange::open).count();
        svg.text(LEFT, 18, "Hash-key space 0 … 2^128−1: " + open + " open, " + (shards.size() - open) + " closed",
                "start", 13, "#24292f", true);
        if (shards.isEmpty()) {
            svg.text(WIDTH / 2.0, TOP + ROW / 2.0, "No shards", "middle", 13, "#57606a", false);
        }
        for (ShardRange shard : shards) {
            int row = depth.get(shard.shardId());
            double x = LEFT + plotW * HashKeys.position(shard.startingHashKey());
            double w = Math.max(2, plotW * HashKeys.position(shard.endingHashKey()) - plotW * HashKeys.position(shard.startingHashKey()));
            double y = TOP + row * ROW;
            String fill = shard.open() ? "#cfe3fb" : "#e6e8eb";
            String tooltip = shard.shardId() + (shard.open() ? " (open)" : " (closed)")
                    + "\nhash keys " + shard.startingHashKey() + " … " + shard.endingHashKey()
                    + "\nsequence " + nullToDash(shard.startingSequenceNumber()) + " … "
                    + (shard.open() ? "(open)" : shard.endingSequenceNumber());
            svg.rect(x + 1, y, w - 2, ROW - 8, fill, shard.open() ? "shard open" : "shard closed", tooltip);
            svg.outline(x + 1, y, w - 2, ROW - 8, shard.open() ? "#1f6fd1" : "#8c959f", 1, tooltip);
            String label = w > 150 ? shard.shardId() : w > 40 ? "#" + shortIndex(shard.shardId()) : "";
            svg.text(x + w / 2, y + 16, label, "middle", 12, shard.open() ? "#0b3d91" : "#57606a", shard.open());
            if (w > 90) {
                svg.text(x + w / 2, y + 31, shard.open() ? "open" : "closed", "middle", 11, "#57606a", false);
            }
        }
        double axisY = TOP + rows * ROW + 2;
        svg.line(LEFT, axisY, LEFT + plotW, axisY, "#57606a", 1, null);
        String[] labels = {"0", "2^126", "2^127", "3·2^126", "2^128−1"};
        for (int i = 0; i <= 4; i++) {
            double x = LEFT + plotW * i / 4;
            svg.line(x, axisY, x, axisY + 5, "#57606a", 1, null);
            svg.text(x, axisY + 18, labels[i], i == 0 ? "start" : i == 4 ? "end" : "middle", 11, "#57606a", false);
        }
        if (marker != null) {
            double x = LEFT + plotW * HashKeys.position(marker);
            svg.line(x, TOP - 4, x, axisY, "#d83a3a", 2, "4 3");
            svg.text(Math.min(Math.max(x, LEFT + 60), LEFT + plotW - 60), axisY + 30, markerLabel, "middle", 11,
                    "#d83a3a", true);
        }
        return svg.toSvg();
    }

    /** Generation of each shard: 0 when no parent is listed, else one below its deepest listed parent. */
    public static Map<String, Integer> depths(List<ShardRange> shards) {
        Map<String, ShardRange> byId = new HashMap<>();
        shards.forEach(s -> byId.put(s.shardId(), s));
        Map<String, Integer> depth = new HashMap<>();
        for (ShardRange shard : shards) {
            depthOf(shard, byId, depth, 0);
        }
        return depth;
    }

    private static int depthOf(ShardRange shard, Map<String, ShardRange> byId, Map<String, Integer> depth, int guard) {
        Integer known = depth.get(shard.shardId());
        if (known != null) {
            return known;
        }
        int d = 0;
        if (guard < 10_000) {
            for (String parentId : new String[] {shard.parentShardId(), shard.adjacentParentShardId()}) {
                ShardRange parent = parentId == null ? null : byId.get(parentId);
                if (parent != null) {
                    d = Math.max(d, depthOf(parent, byId, depth, guard + 1) + 1);
                }
            }
        }
        depth.put(shard.shardId(), d);
        return d;
    }

    private static String shortIndex(String shardId) {
        String digits = shardId.replaceFirst("^shardId-0*", "");
        return digits.isEmpty() ? "0" : digits;
    }

    private static String nullToDash(String s) {
        return s == null ? "–" : s;
    }
}

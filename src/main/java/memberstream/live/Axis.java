package memberstream.live;

import java.util.ArrayList;
import java.util.List;

/** Round axis limits and tick marks (1, 2, 5 times a power of ten). */
public final class Axis {

    private Axis() {
    }

    /** The smallest 1/2/5 x 10^k at or above {@code value} (at least 1). */
    public static int niceCeiling(long value) {
        long step = 1;
        while (true) {
            for (int m : new int[] {1, 2, 5}) {
                if (m * step >= value) {
                    return (int) Math.min(Integer.MAX_VALUE, m * step);
                }
            }
            step *= 10;
        }
    }

    /** Up to five evenly spaced ticks from 0 to {@code top}, inclusive. */
    public static List<Integer> ticks(int top) {
        int step = Math.max(1, niceCeiling((long) Math.ceil(top / 4.0)));
        List<Integer> ticks = new ArrayList<>();
        for (int t = 0; t <= top; t += step) {
            ticks.add(t);
        }
        return ticks;
    }
}

package memberstream.live.tail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import memberstream.live.EventTypes;

/**
 * Per-minute event counts by type over a rolling window, and the bursts that stand out from the
 * recent rate. Memory is bounded by the window: one small map per minute, older minutes dropped.
 *
 * <p>An anomaly is a minute in which one type's count is at least {@code minBurst} and at least
 * {@code factor} times that type's average over the {@code baselineMinutes} minutes before it (an
 * average of zero counts as one event a minute, so that a quiet stream does not flag every event).
 * Minutes before the first one observed (before the consumer ran) are not part of any average.
 *
 * <p>Thread-safety: all methods are synchronized; the consumer thread records, views read snapshots.
 */
public final class RollingAnalytics {

    /** The type counted for a record that names none. */
    public static final String UNKNOWN_TYPE = "(no type)";

    private final Clock clock;
    private final int windowMinutes;
    private final int baselineMinutes;
    private final double factor;
    private final int minBurst;
    private final TreeMap<Instant, Map<String, Integer>> countsByMinute = new TreeMap<>();
    /** The first minute observed: quiet minutes before it say nothing about the rate. */
    private Instant observedSince;

    public RollingAnalytics(Clock clock, Duration window, int baselineMinutes, double factor, int minBurst) {
        this.clock = clock;
        this.windowMinutes = (int) Math.max(1, window.toMinutes());
        this.baselineMinutes = baselineMinutes;
        this.factor = factor;
        this.minBurst = minBurst;
        this.observedSince = currentMinute();
    }

    public static RollingAnalytics withDefaults(Clock clock) {
        return new RollingAnalytics(clock, Duration.ofMinutes(30), 10, 3.0, 5);
    }

    /**
     * Counts one event of {@code type} that arrived at {@code arrival}; outside the window it is ignored.
     * A record without an arrival time counts as arriving now (it is being read now), and one without a
     * type counts under {@link #UNKNOWN_TYPE}: a malformed record must not stop the consumer thread.
     */
    public synchronized void record(String type, Instant arrival) {
        if (type == null) {
            type = UNKNOWN_TYPE;
        }
        Instant minute = (arrival != null ? arrival : clock.instant()).truncatedTo(ChronoUnit.MINUTES);
        Instant current = currentMinute();
        if (minute.isBefore(windowStart(current)) || minute.isAfter(current)) {
            return;
        }
        if (minute.isBefore(observedSince)) {
            observedSince = minute;
        }
        countsByMinute.computeIfAbsent(minute, m -> new HashMap<>()).merge(type, 1, Integer::sum);
        evict(current);
    }

    public synchronized Snapshot snapshot() {
        Instant current = currentMinute();
        evict(current);
        Instant start = windowStart(current);
        List<Instant> minutes = new ArrayList<>(windowMinutes);
        for (int i = 0; i < windowMinutes; i++) {
            minutes.add(start.plus(i, ChronoUnit.MINUTES));
        }
        TreeSet<String> types = new TreeSet<>();
        countsByMinute.values().forEach(m -> types.addAll(m.keySet()));
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (String type : types) {
            int[] perMinute = new int[windowMinutes];
            for (int i = 0; i < windowMinutes; i++) {
                perMinute[i] = countsByMinute.getOrDefault(minutes.get(i), Map.of()).getOrDefault(type, 0);
            }
            counts.put(type, perMinute);
        }
        return new Snapshot(List.copyOf(minutes), counts, findAnomalies(minutes, counts));
    }

    private List<Anomaly> findAnomalies(List<Instant> minutes, Map<String, int[]> counts) {
        List<Anomaly> anomalies = new ArrayList<>();
        for (Map.Entry<String, int[]> entry : counts.entrySet()) {
            int[] perMinute = entry.getValue();
            for (int i = 0; i < perMinute.length; i++) {
                int from = Math.max(i - baselineMinutes, Math.max(0, minutes.indexOf(observedSince)));
                from = Math.min(from, i);
                double baseline = 0;
                for (int j = from; j < i; j++) {
                    baseline += perMinute[j];
                }
                baseline = i == from ? 0 : baseline / (i - from);
                if (perMinute[i] >= minBurst && perMinute[i] >= factor * Math.max(1.0, baseline)) {
                    anomalies.add(new Anomaly(entry.getKey(), minutes.get(i), perMinute[i], baseline));
                }
            }
        }
        anomalies.sort((a, b) -> a.minute().compareTo(b.minute()));
        return List.copyOf(anomalies);
    }

    private Instant currentMinute() {
        return clock.instant().truncatedTo(ChronoUnit.MINUTES);
    }

    private Instant windowStart(Instant currentMinute) {
        return currentMinute.minus(windowMinutes - 1L, ChronoUnit.MINUTES);
    }

    private void evict(Instant currentMinute) {
        countsByMinute.headMap(windowStart(currentMinute)).clear();
    }

    /** Counts per type, one slot per minute from the oldest to the current minute. */
    public record Snapshot(List<Instant> minutes, Map<String, int[]> countsByType, List<Anomaly> anomalies) {

        public int total(int minuteIndex) {
            return countsByType.values().stream().mapToInt(c -> c[minuteIndex]).sum();
        }

        public int max() {
            int max = 0;
            for (int i = 0; i < minutes.size(); i++) {
                max = Math.max(max, total(i));
            }
            return max;
        }

        public java.util.Optional<Anomaly> latestAnomaly() {
            return anomalies.isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.of(anomalies.get(anomalies.size() - 1));
        }
    }

    /** One type's burst in one minute, against its average rate before. */
    public record Anomaly(String type, Instant minute, int count, double baselinePerMinute) {

        public String describe() {
            return String.format(java.util.Locale.ROOT, "%d %s events in the minute from %s UTC, against %.1f a minute before",
                    count, EventTypes.shortName(type),
                    java.time.format.DateTimeFormatter.ofPattern("HH:mm").withZone(java.time.ZoneOffset.UTC).format(minute),
                    baselinePerMinute);
        }
    }
}

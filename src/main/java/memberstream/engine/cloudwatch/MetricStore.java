package memberstream.engine.cloudwatch;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * The metrics clients reported with PutMetricData, in memory only: the last {@link #DATAPOINTS_PER_METRIC}
 * datapoints of each metric (namespace, name and dimensions), for at most {@link #MAX_METRICS} metrics (the
 * one reported least recently goes first). The console reads them through {@link #metrics} and
 * {@link #datapoints}. All methods are thread-safe (one monitor); answers are copies.
 */
public final class MetricStore {

    public static final int DATAPOINTS_PER_METRIC = 500;
    public static final int MAX_METRICS = 5_000;

    /** One metric: its namespace, name and dimensions (sorted by name). */
    public record Metric(String namespace, String name, SortedMap<String, String> dimensions) {
    }

    /**
     * One reported datapoint: a value, or statistics ({@code sampleCount}, {@code sum}, {@code minimum},
     * {@code maximum}; NaN when absent), with its unit (may be null).
     */
    public record Datapoint(Instant timestamp, double value, double sampleCount, double sum, double minimum, double maximum,
                            String unit) {
    }

    private final LinkedHashMap<Metric, Deque<Datapoint>> metrics = new LinkedHashMap<>(64, 0.75f, true);

    synchronized void add(Metric metric, Datapoint datapoint) {
        Deque<Datapoint> points = metrics.computeIfAbsent(metric, m -> new ArrayDeque<>());
        points.addLast(datapoint);
        while (points.size() > DATAPOINTS_PER_METRIC) {
            points.removeFirst();
        }
        while (metrics.size() > MAX_METRICS) {
            var eldest = metrics.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /** The namespaces with metrics, sorted. */
    public synchronized List<String> namespaces() {
        TreeSet<String> names = new TreeSet<>();
        metrics.keySet().forEach(m -> names.add(m.namespace()));
        return List.copyOf(names);
    }

    /** The metrics of a namespace, most recently reported last. */
    public synchronized List<Metric> metrics(String namespace) {
        List<Metric> list = new ArrayList<>();
        for (Metric metric : metrics.keySet()) {
            if (metric.namespace().equals(namespace)) {
                list.add(metric);
            }
        }
        return list;
    }

    /** The kept datapoints of a metric, oldest first; empty if unknown. Does not count as a report. */
    public synchronized List<Datapoint> datapoints(Metric metric) {
        Deque<Datapoint> points = null;
        for (Map.Entry<Metric, Deque<Datapoint>> entry : metrics.entrySet()) {
            if (entry.getKey().equals(metric)) {
                points = entry.getValue();
                break;
            }
        }
        return points == null ? List.of() : List.copyOf(points);
    }
}

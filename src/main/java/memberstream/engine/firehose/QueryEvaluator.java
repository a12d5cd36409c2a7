package memberstream.engine.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.Function;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.PathOutput;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs MetadataExtraction queries (jq, with jackson-jq) at a bounded cost, because the query and the
 * records both come from clients: {@code def f: f; f}, {@code last(range(1e12))} and
 * {@code def f: [f]; f} must cost a record, not the engine.
 *
 * <p>Limits per record: {@link #TIME_LIMIT} of wall time, {@link #STEP_LIMIT} values produced by
 * built-in functions (which bounds what a generator such as {@code range} can pile up in memory), and
 * the depth that fits in a {@link #STACK_BYTES} stack. A query that exceeds one yields a failure
 * message, and its record goes to the error prefix; nothing escapes, not even a StackOverflowError.
 *
 * <p>How: every built-in function of the shared root scope is wrapped so that calling it, and every
 * value it emits, checks the record's budget and throws {@link BudgetExceeded} (an Error, so that a
 * jq {@code try} cannot catch it). Queries run on their own small pool of daemon threads
 * ({@code engine-jq-N}), never on the caller's, which waits at most the time limit plus a grace period.
 * A query that loops without calling a built-in (only operators and its own functions) cannot be
 * stopped cooperatively: after the grace period its record fails anyway and the thread is stopped
 * ({@link Thread#stop()}, safe here because the thread touches only its own evaluation's objects).
 *
 * <p>Thread-safe; the pool and root scope are shared by all delivery streams.
 */
final class QueryEvaluator {

    static final Duration TIME_LIMIT = Duration.ofMillis(250);
    static final Duration GRACE = Duration.ofMillis(250);
    static final long STEP_LIMIT = 1_000_000;
    static final long STACK_BYTES = 512 * 1024;
    /** After this many records of one batch ran out of time, the batch's other records fail without running. */
    static final int MAX_TIMEOUTS_PER_BATCH = 2;

    private static final Logger log = LoggerFactory.getLogger(QueryEvaluator.class);
    private static final ThreadLocal<Budget> BUDGET = new ThreadLocal<>();
    static final Scope ROOT_SCOPE = guardedRootScope();
    private static final ThreadPoolExecutor POOL = pool();
    private static final java.util.concurrent.atomic.AtomicLong EVALUATIONS = new java.util.concurrent.atomic.AtomicLong();

    private QueryEvaluator() {
    }

    /** Thrown inside an evaluation whose budget is spent; never leaves {@link #evaluate}. */
    static final class BudgetExceeded extends Error {
        final boolean timeout;

        BudgetExceeded(String message, boolean timeout) {
            super(message, null, false, false);
            this.timeout = timeout;
        }
    }

    /** One record's allowance, read by the guarded built-ins on the evaluating thread. */
    private static final class Budget {
        final long deadlineNanos;
        long steps;
        volatile boolean abandoned;

        Budget(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        void check() {
            if (++steps > STEP_LIMIT) {
                throw new BudgetExceeded("the query produced more than " + STEP_LIMIT + " intermediate values", false);
            }
            if ((steps & 0xFF) == 0 || abandoned) {
                if (abandoned || System.nanoTime() - deadlineNanos > 0) {
                    throw new BudgetExceeded("the query ran longer than " + TIME_LIMIT.toMillis() + " ms", true);
                }
            }
        }
    }

    /** The results of a query on one input, or why there are none. */
    record Outcome(List<JsonNode> results, String failure, boolean timedOut) {
    }

    /** The state of one batch: it stops running queries after {@link #MAX_TIMEOUTS_PER_BATCH} timeouts. */
    static final class Batch {
        private int timeouts;

        boolean exhausted() {
            return timeouts >= MAX_TIMEOUTS_PER_BATCH;
        }
    }

    /** Runs {@code query} on {@code input}; blocks the caller at most about {@link #TIME_LIMIT} + {@link #GRACE}. */
    static Outcome evaluate(JsonQuery query, JsonNode input, Batch batch) {
        if (batch.exhausted()) {
            return new Outcome(List.of(), "the query was not run: it exceeded its time limit on "
                    + MAX_TIMEOUTS_PER_BATCH + " earlier records of the same request", false);
        }
        EVALUATIONS.incrementAndGet();
        Running running = new Running(query, input);
        Future<Outcome> future;
        try {
            future = POOL.submit(running::run);
        } catch (RuntimeException rejected) {
            return new Outcome(List.of(), "the query could not be scheduled", false);
        }
        Outcome outcome;
        try {
            outcome = future.get(TIME_LIMIT.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.abandon();
            outcome = new Outcome(List.of(), "the query ran longer than " + TIME_LIMIT.toMillis() + " ms", true);
        } catch (ExecutionException e) {
            outcome = new Outcome(List.of(), "the query failed: " + e.getCause(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.abandon();
            outcome = new Outcome(List.of(), "the query was interrupted", false);
        }
        if (outcome.timedOut()) {
            batch.timeouts++;
        }
        return outcome;
    }

    /** Queries run since the engine's classes were loaded (tests check that recovery runs none). */
    static long evaluations() {
        return EVALUATIONS.get();
    }

    /** One evaluation, which the caller may abandon (and then stop) if it does not end in time. */
    private static final class Running {
        private final JsonQuery query;
        private final JsonNode input;
        private final Budget budget;
        private Thread thread;
        private boolean finished;

        Running(JsonQuery query, JsonNode input) {
            this.query = query;
            this.input = input;
            this.budget = new Budget(System.nanoTime() + TIME_LIMIT.toNanos());
        }

        Outcome run() {
            synchronized (this) {
                if (budget.abandoned) {
                    finished = true;
                    return new Outcome(List.of(), "abandoned", true);
                }
                thread = Thread.currentThread();
            }
            BUDGET.set(budget);
            try {
                List<JsonNode> results = new ArrayList<>(1);
                query.apply(Scope.newChildScope(ROOT_SCOPE), input, value -> {
                    budget.check();
                    results.add(value);
                });
                return new Outcome(results, null, false);
            } catch (BudgetExceeded e) {
                return new Outcome(List.of(), e.getMessage(), e.timeout);
            } catch (StackOverflowError e) {
                return new Outcome(List.of(), "the query nests deeper than the engine allows", false);
            } catch (OutOfMemoryError e) {
                return new Outcome(List.of(), "the query needs more memory than the engine allows", false);
            } catch (JsonQueryException e) {
                return new Outcome(List.of(), e.getMessage(), false);
            } catch (RuntimeException e) {
                return new Outcome(List.of(), String.valueOf(e.getMessage()), false);
            } finally {
                BUDGET.remove();
                synchronized (this) {
                    finished = true;
                    thread = null;
                }
            }
        }

        /** Tells the evaluation to stop; if it is past its deadline and ignores that, stops its thread. */
        void abandon() {
            budget.abandoned = true;
            Thread stuck;
            synchronized (this) {
                stuck = finished ? null : thread;
            }
            if (stuck != null) {
                // A cooperative stop would have happened by now: the query loops without calling a built-in.
                stopThread(stuck);
            }
        }
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void stopThread(Thread thread) {
        try {
            thread.stop();
            log.warn("Stopped a MetadataExtraction query that ignored its time limit");
        } catch (UnsupportedOperationException e) {
            log.warn("A MetadataExtraction query ignores its time limit and this JVM cannot stop its thread {}",
                    thread.getName());
        }
    }

    private static ThreadPoolExecutor pool() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(null, task, "engine-jq-" + count.incrementAndGet(), STACK_BYTES);
            thread.setDaemon(true);
            return thread;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * jq 1.6's built-ins, each wrapped in a budget check. Functions written in jq (such as {@code last}
     * or {@code repeat}) resolve the built-ins they call through this same scope at run time, so they
     * are guarded too.
     */
    private static Scope guardedRootScope() {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        for (Map.Entry<String, Function> entry : Map.copyOf(scope.getLocalFunctions()).entrySet()) {
            scope.addFunction(entry.getKey(), guarded(entry.getValue()));
        }
        return scope;
    }

    private static Function guarded(Function function) {
        return (scope, args, in, path, output, version) -> {
            Budget budget = BUDGET.get();
            if (budget == null) {
                function.apply(scope, args, in, path, output, version);
                return;
            }
            budget.check();
            PathOutput counted = (value, valuePath) -> {
                budget.check();
                output.emit(value, valuePath);
            };
            function.apply(scope, args, in, path, counted, version);
        };
    }
}

package memberstream.member;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import memberstream.BenchmarkConsole;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Issue 13's benchmark: is the console as fast with a million members and ten million records as with
 * a thousand and none? One console in this JVM ({@link BenchmarkConsole}: embedded PostgreSQL, engine,
 * HTTP on random ports, engine throughput limits off so that seeding is not throttled).
 *
 * <ol>
 * <li>Members: seeds {@code bench.members-small} (1,000), measures, seeds up to {@code bench.members}
 * (1,000,000), measures again, names in the {@code bench.layout} (independent, or clustered: see
 * {@link MemberSeed.Layout}). Seeding is SQL ({@link MemberSeed}: INSERT ... SELECT generate_series,
 * inside PostgreSQL), bypassing MemberService and its events; for the large step the secondary indexes
 * are dropped and rebuilt from their own definitions, as a restore would, then VACUUM ANALYZE. Each
 * measurement is {@code bench.repeats} (200) GETs of /api/members over HTTP (HTTP Basic), after 20
 * unmeasured ones; it prints median and p99 at each size and their ratio (goal at most 1.5).</li>
 * <li>Engine: PutRecords (100 records of 100 bytes) and GetRecords from TRIM_HORIZON (GetShardIterator
 * + GetRecords of 100), through the AWS SDK, on a one-shard stream empty and then holding
 * {@code bench.records} (10,000,000) records, seeded by PutRecords batches of 500 from 4 threads.</li>
 * <li>Memory of this JVM then (heap after a full GC, non-heap, direct buffers, resident set). It is the
 * Maven JVM (exec:java), so the resident set also holds Maven's own few hundred MiB of classes.</li>
 * <li>Start-up: calls {@code memberstream.StartupBenchmark.startupTimes} (five starts of the jar; build it
 * first with {@code ./mvnw -q package -DskipTests}) when that class is on the class path and
 * {@code bench.startup} is not false.</li>
 * </ol>
 * <pre>
 * ./mvnw -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=memberstream.member.SearchBenchmark
 *     [-Dbench.members=1000000] [-Dbench.members-small=1000] [-Dbench.records=10000000] [-Dbench.repeats=200]
 *     [-Dbench.startup=true] [-Dbench.layout=independent|clustered]
 * </pre>
 */
public final class SearchBenchmark {

    private static final int WARM_UP = 20;
    private static final String NAME_FRAGMENT = "okafor";
    private static final String RARE_NAME_FRAGMENT = "dvořák 4711";
    private static final String EMAIL_FRAGMENT = "zoe.kim.";
    private static final String RARE_EMAIL_FRAGMENT = "eriksen.12345";
    private static final String COMMON_EMAIL_FRAGMENT = "@lab.test";

    private final int repeats = Integer.getInteger("bench.repeats", 200);
    private final MemberSeed.Layout layout = MemberSeed.Layout.valueOf(
            System.getProperty("bench.layout", "independent").toUpperCase(java.util.Locale.ROOT));
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private BenchmarkConsole console;
    private final Map<String, List<Long>> buffersByOperation = new LinkedHashMap<>();

    private SearchBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkConsole.exitAfter(() -> new SearchBenchmark().run());
    }

    /** Median and p99 in milliseconds of one operation at one size. */
    record Timing(double median, double p99) {
    }

    private void run() throws Exception {
        long small = Long.getLong("bench.members-small", 1_000);
        long large = Long.getLong("bench.members", 1_000_000);
        long records = Long.getLong("bench.records", 10_000_000);
        try (BenchmarkConsole started = BenchmarkConsole.start("search",
                "--memberstream.engine.throughput-limits=false")) {
            console = started;
            JdbcTemplate jdbc = console.bean(JdbcTemplate.class);
            System.out.printf("Members: %,d then %,d, names in the %s layout; %d timed GETs each (after %d warm-up)%n",
                    small, large, layout.name().toLowerCase(java.util.Locale.ROOT), repeats, WARM_UP);
            seed(jdbc, 0, small);
            // The large size is measured in a JVM the small size's pass has warmed (JIT, pools, caches): an
            // unmeasured pass first gives the small size the same, so the ratio compares like with like.
            warmUp();
            Map<String, Timing> before = measureMembers(small, jdbc);
            long started0 = System.nanoTime();
            seed(jdbc, small, large);
            System.out.printf("Seeded %,d members in %.1f s%n", large - small, (System.nanoTime() - started0) / 1e9);
            Map<String, Timing> after = measureMembers(large, jdbc);
            printRatios("members", small, large, before, after);
            printBufferRatios(small, large);

            engine(records);
            memory(large, records);
        }
        startup();
    }

    // ---------------------------------------------------------------- members

    private void seed(JdbcTemplate jdbc, long have, long want) {
        if (want <= have) {
            return;
        }
        boolean bulk = want - have > 100_000;
        List<String> rebuild = new ArrayList<>();
        if (bulk) {
            // Secondary indexes out of the way while loading, rebuilt in one pass each from their own DDL.
            rebuild.addAll(jdbc.queryForList("""
                    select indexdef from pg_indexes where tablename = 'members'
                    and indexname not in ('members_pkey', 'members_email_lower_key')""", String.class));
            // Their statistics targets too (V77's 1,000 for the trigram indexes), which the DDL leaves out and a
            // restore (pg_dump) keeps: without them the planner's estimates would be those of another database.
            rebuild.addAll(jdbc.queryForList("""
                    select format('alter index %I alter column %s set statistics %s', c.relname, a.attnum, a.attstattarget)
                    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_indexes i on i.indexname = c.relname
                    where i.tablename = 'members' and i.indexname not in ('members_pkey', 'members_email_lower_key')
                    and a.attnum > 0 and a.attstattarget >= 0""", String.class));
            jdbc.queryForList("""
                    select indexname from pg_indexes where tablename = 'members'
                    and indexname not in ('members_pkey', 'members_email_lower_key')""", String.class)
                    .forEach(index -> jdbc.execute("drop index " + index));
        }
        if (bulk) {
            // The word index (V90) likewise: its trigger off while loading, then filled and indexed in one pass.
            jdbc.execute("alter table members disable trigger member_words_insert");
            jdbc.execute("alter table member_words drop constraint member_words_pkey");
            // And the word tails (V95).
            jdbc.execute("alter table members disable trigger member_word_tails_insert");
            jdbc.execute("alter table member_word_tails drop constraint member_word_tails_pkey");
        }
        MemberSeed.insert(jdbc, have + 1, want, layout);
        if (bulk) {
            jdbc.update("""
                    insert into member_words (word, full_name, member_id)
                    select w, m.full_name, m.id from members m cross join lateral member_words_of(m.full_name, m.email) w
                    where m.id > ?""", have);
            jdbc.execute("""
                    insert into member_word_list (word) select distinct word from member_words order by word
                    on conflict do nothing""");
            jdbc.execute("alter table member_words add constraint member_words_pkey primary key (word, full_name, member_id)");
            jdbc.execute("alter table members enable trigger member_words_insert");
            jdbc.execute("vacuum analyze member_words");
            jdbc.execute("vacuum analyze member_word_list");
            jdbc.update("""
                    insert into member_word_tails (tail, full_name, member_id)
                    select t, m.full_name, m.id from members m cross join lateral member_word_tails_of(m.full_name, m.email) t
                    where m.id > ?""", have);
            jdbc.execute("alter table member_word_tails add constraint member_word_tails_pkey primary key (tail, full_name, member_id)");
            jdbc.execute("alter table members enable trigger member_word_tails_insert");
            jdbc.execute("vacuum analyze member_word_tails");
        }
        rebuild.forEach(jdbc::execute);
        jdbc.execute("vacuum analyze members");
    }

    /** One list request: its REST path, and the same query for {@link MemberSql} (buffer counts). */
    record Operation(String name, String path, MemberFilter filter, Sort sort, MemberCursor after, long skip) {
    }

    /** As many unmeasured requests of every list operation as a measured pass makes, at the small size. */
    private void warmUp() throws Exception {
        long started = System.nanoTime();
        for (Operation operation : operations(Long.getLong("bench.members-small", 1_000))) {
            for (int i = 0; i < WARM_UP + repeats; i++) {
                get(operation.path());
            }
        }
        System.out.printf("Warm-up pass (unmeasured, %d requests per operation) took %.1f s%n", WARM_UP + repeats,
                (System.nanoTime() - started) / 1e9);
    }

    private List<Operation> operations(long size) throws Exception {
        List<Operation> operations = new ArrayList<>();
        Sort byName = Sort.by("fullName");
        operations.add(new Operation("first page", "/api/members?size=20", MemberFilter.NONE, byName, null, 0));
        long lastPage = Math.max(0, (size - 1) / 20);
        long deep = Math.min(1000, lastPage);
        String cursor = cursorBefore(deep);
        String deepName = "page " + (deep == 1000 ? "1,000" : deep + " (last)");
        operations.add(new Operation(deepName + " by cursor", "/api/members?size=20&after=" + cursor,
                MemberFilter.NONE, byName, cursor.isEmpty() ? null : MemberCursor.decode(cursor, byName), 0));
        operations.add(new Operation(deepName + " by OFFSET", "/api/members?size=20&page=" + deep,
                MemberFilter.NONE, byName, null, deep * 20));
        for (String fragment : List.of(NAME_FRAGMENT, RARE_NAME_FRAGMENT, EMAIL_FRAGMENT, RARE_EMAIL_FRAGMENT)) {
            String kind = fragment.contains(".") ? "email" : "name";
            // A surname sorted by full name (first name first): in any layout every "Ada Okafor" comes after
            // "Ada Abara" to "Ada O'Brien", so the matches start about 2% down the order: the worst case.
            String worst = fragment.equals(NAME_FRAGMENT) ? " worst" : "";
            operations.add(new Operation("search " + kind + " '" + fragment + "'" + worst, "/api/members?size=20&q="
                    + encode(fragment), new MemberFilter(fragment, null, null), byName, null, 0));
        }
        // A common fragment in an order where its matches are spread: a page is found by a bounded index walk.
        Sort newest = Sort.by(Sort.Direction.DESC, "joinedOn");
        operations.add(new Operation("search name '" + NAME_FRAGMENT + "' newest", "/api/members?size=20&sort=joinedOn,desc&q="
                + encode(NAME_FRAGMENT), new MemberFilter(NAME_FRAGMENT, null, null), newest, null, 0));
        operations.add(new Operation("search email '" + COMMON_EMAIL_FRAGMENT + "'", "/api/members?size=20&q="
                + encode(COMMON_EMAIL_FRAGMENT), new MemberFilter(COMMON_EMAIL_FRAGMENT, null, null), byName, null, 0));
        for (String property : List.of("id", "fullName", "email", "role", "status", "joinedOn", "createdAt", "updatedAt")) {
            for (Sort.Direction direction : Sort.Direction.values()) {
                String way = direction.name().toLowerCase();
                operations.add(new Operation("sort " + property + " " + way, "/api/members?size=20&sort=" + property + "," + way,
                        MemberFilter.NONE, Sort.by(direction, property), null, 0));
            }
        }
        return operations;
    }

    private Map<String, Timing> measureMembers(long size, JdbcTemplate jdbc) throws Exception {
        List<Operation> operations = operations(size);
        System.out.printf("%n== %,d members%n%-34s %10s %10s %14s %9s %9s%n", size, "operation", "median ms", "p99 ms",
                "total (exact?)", "pages", "count pg");
        Map<String, Timing> timings = new LinkedHashMap<>();
        for (Operation operation : operations) {
            JsonNode answer = json.readTree(get(operation.path()));
            Timing timing = time(operation.path());
            String key = operation.name().replaceAll("\\d+ \\(last\\)", "1,000");
            timings.put(key, timing);
            // A search too broad to sort in time answers 422 (bounded): its time is that of the refusal.
            boolean refused = answer.has("status") && answer.get("status").asInt() == 422;
            boolean exact = refused || answer.get("totalExact").asBoolean();
            long[] page = pageBuffers(jdbc, operation);
            long pageBuffers = page[0];
            // As the API: a short first page is all the matches, and no count is run; nor when the page's
            // statements already counted the matches.
            boolean counted = !refused && (answer.get("content").size() == 20 || operation.after() != null) && page[1] == 0;
            List<String> words = MemberService.wordsToSeek(jdbc, operation.filter());
            // Nor, without the word index, when the planner surely expects more than the count would read.
            if (words == null && MemberService.estimate(jdbc, operation.filter()) >= MemberService.TRUSTED_ESTIMATE) {
                counted = false;
            }
            // The word tails count first where they answer the search (and more than they hold fell through).
            List<MemberWordTails.Range> tails = words == null ? MemberWordTails.rangesToSeek(jdbc, operation.filter()) : null;
            long tailsCount = counted && tails != null && !tails.isEmpty()
                    ? buffers(jdbc, MemberSql.countAmongTails(operation.filter(), tails, MemberWordTails.MAX_ENTRIES)) : 0;
            long countBuffers = tailsCount + (!counted ? 0 : words != null
                    ? analyze(jdbc, MemberSql.countByWordsUpTo(operation.filter(), words,
                            MemberService.EXACT_COUNT_LIMIT + 1), false, true)[0]
                    : buffers(jdbc, MemberSql.countUpTo(operation.filter(), MemberService.EXACT_COUNT_LIMIT + 1)));
            buffersByOperation.computeIfAbsent(key, k -> new ArrayList<>()).add(pageBuffers + countBuffers);
            System.out.printf("%-34s %10.2f %10.2f %14s %-7s %9d %9d%n", operation.name(), timing.median(), timing.p99(),
                    refused ? "422" : String.format("%,d", answer.get("totalElements").asLong()), exact ? "" : "(about)",
                    pageBuffers, countBuffers);
        }
        return timings;
    }

    /**
     * Database pages the service's statements for one page touch, in the order {@link MemberService#listing}
     * runs them (the planner's estimate decides whether the trigram probe or the bounded walk comes first;
     * the full page only when both came back short, with index scans off where the service turns them off),
     * and whether they established the count (then the API runs none).
     */
    private static long[] pageBuffers(JdbcTemplate jdbc, Operation operation) {
        MemberFilter filter = operation.filter();
        Sort sort = operation.sort();
        if (filter.search() == null) {
            return new long[] {analyze(jdbc, MemberSql.page(filter, sort, operation.after(), operation.skip(), 20), false)[0], 0};
        }
        List<String> words = MemberSql.byName(sort) ? MemberService.wordsToSeek(jdbc, filter) : null;
        if (words != null) {
            // The word list's lookup, then the page off the word index.
            long lookup = buffers(jdbc, MemberWords.containingStatement(MemberWords.wordFragment(filter)));
            return words.isEmpty() ? new long[] {lookup, 1} : new long[] {lookup + analyze(jdbc, MemberSql.pageByWords(
                    filter, sort, operation.after(), operation.skip(), 20, words), false, true)[0], 0};
        }
        long total = 0;
        List<MemberWordTails.Range> tails = MemberWordTails.rangesToSeek(jdbc, filter);
        if (tails != null) {
            // The word list's lookup of the words ending with the first piece, then the page among the tails.
            total += buffers(jdbc, MemberWordTails.endingStatement(
                    MemberWordTails.firstPiece(MemberWordTails.tailFragment(filter))));
            if (tails.isEmpty()) {
                return new long[] {total, 1};
            }
            MemberSql.Statement among = MemberSql.pageAmongTails(filter, sort, operation.after(), operation.skip(), 20,
                    tails, MemberWordTails.MAX_ENTRIES);
            total += analyze(jdbc, among, false)[0];
            List<Map<String, Object>> rows = jdbc.queryForList(among.sql(), among.parameters().toArray());
            if (rows.isEmpty() ? operation.after() == null && operation.skip() == 0
                    : ((Number) rows.get(0).get("entries")).longValue() < MemberWordTails.MAX_ENTRIES) {
                return new long[] {total, operation.after() == null ? 1 : 0};
            }
        }
        boolean trigrams = filter.search().strip().length() >= 3;
        long expected = MemberService.estimate(jdbc, filter);
        if (trigrams && expected <= MemberService.WALK_FIRST_ESTIMATE) {
            MemberSql.Statement among = MemberSql.pageAmongMatches(filter, sort, operation.after(), operation.skip(), 20,
                    (int) MemberService.EXACT_COUNT_LIMIT + 1);
            total += analyze(jdbc, among, false)[0];
            List<Map<String, Object>> rows = jdbc.queryForList(among.sql(), among.parameters().toArray());
            if (rows.isEmpty() || ((Number) rows.get(0).get("matched")).longValue() <= MemberService.EXACT_COUNT_LIMIT) {
                return new long[] {total, operation.after() == null ? 1 : 0};
            }
        }
        long[] walk = analyze(jdbc, MemberSql.pageWithinWalk(filter, sort, operation.after(), operation.skip(), 20,
                MemberService.WALK_ROWS), false);
        total += walk[0];
        if (walk[1] >= 20) {
            return new long[] {total, 0};
        }
        boolean sortMatches = expected <= MemberService.SORT_MATCHES_LIMIT;
        return new long[] {total + analyze(jdbc, MemberSql.page(filter, sort, operation.after(), operation.skip(), 20),
                sortMatches)[0], 0};
    }

    /** Buffers touched and rows returned by one execution, on one connection (so SET applies to it). */
    private static long[] analyze(JdbcTemplate jdbc, MemberSql.Statement statement, boolean indexScansOff) {
        return analyze(jdbc, statement, indexScansOff, false);
    }

    private static long[] analyze(JdbcTemplate jdbc, MemberSql.Statement statement, boolean indexScansOff,
                                  boolean bitmapScansOff) {
        return jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<long[]>) connection -> {
            try (var set = connection.createStatement()) {
                set.execute("set enable_indexscan = " + (indexScansOff ? "off" : "on"));
                set.execute("set enable_bitmapscan = " + (bitmapScansOff ? "off" : "on"));
                set.execute("set plan_cache_mode = force_custom_plan");
            }
            List<String> plan = new ArrayList<>();
            try (var explain = connection.prepareStatement("explain (analyze, buffers) " + statement.sql())) {
                for (int i = 0; i < statement.parameters().size(); i++) {
                    explain.setObject(i + 1, statement.parameters().get(i));
                }
                try (var rows = explain.executeQuery()) {
                    while (rows.next()) {
                        plan.add(rows.getString(1));
                    }
                }
            } finally {
                try (var reset = connection.createStatement()) {
                    reset.execute("reset enable_indexscan");
                    reset.execute("reset enable_bitmapscan");
                    reset.execute("reset plan_cache_mode");
                }
            }
            Matcher rows = Pattern.compile("actual time=\\S+ rows=(\\d+)").matcher(plan.isEmpty() ? "" : plan.get(0));
            return new long[] {buffers(plan), rows.find() ? Long.parseLong(rows.group(1)) : 0};
        });
    }

    /**
     * Database pages (8 KiB buffers, hit or read) one execution touches: EXPLAIN (ANALYZE, BUFFERS) of the
     * top plan node. Unlike milliseconds it does not depend on what else the machine is doing.
     */
    private static long buffers(JdbcTemplate jdbc, MemberSql.Statement statement) {
        return buffers(jdbc.queryForList("explain (analyze, buffers) " + statement.sql(), String.class,
                statement.parameters().toArray()));
    }

    /** The top plan node's buffers (it includes those of the nodes below it). */
    private static long buffers(List<String> plan) {
        for (String line : plan) {
            if (line.contains("Buffers:")) {
                Matcher hit = Pattern.compile("hit=(\\d+)").matcher(line);
                Matcher read = Pattern.compile("read=(\\d+)").matcher(line);
                return (hit.find() ? Long.parseLong(hit.group(1)) : 0) + (read.find() ? Long.parseLong(read.group(1)) : 0);
            }
        }
        return 0;
    }

    /** The cursor after the last row of page {@code page - 1}, found by walking (unmeasured). */
    private String cursorBefore(long page) throws Exception {
        String after = null;
        for (long i = 0; i < page; i++) {
            JsonNode answer = json.readTree(get("/api/members?size=20" + (after == null ? "" : "&after=" + after)));
            after = answer.get("next").asText();
        }
        return after == null ? "" : after;
    }

    private Timing time(String path) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            get(path);
        }
        double[] millis = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long started = System.nanoTime();
            get(path);
            millis[i] = (System.nanoTime() - started) / 1e6;
        }
        return timing(millis);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(console.uri(path))
                .header("Authorization", console.authorization()).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 && response.statusCode() != 422) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    // ---------------------------------------------------------------- engine

    private void engine(long records) throws Exception {
        int port = Integer.parseInt(console.bean(org.springframework.core.env.Environment.class)
                .getProperty("local.memberstream.engine.port"));
        try (KinesisClient kinesis = KinesisClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.builder().maxConnections(8).build())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMinutes(2)))
                .build()) {
            kinesis.createStream(b -> b.streamName("bench-log").shardCount(1));
            for (int i = 0; i < 200 && !"ACTIVE".equals(kinesis.describeStreamSummary(b -> b.streamName("bench-log"))
                    .streamDescriptionSummary().streamStatusAsString()); i++) {
                Thread.sleep(50);
            }
            Map<String, Timing> empty = measureEngine(kinesis);
            long started = System.nanoTime();
            long stored = seedRecords(kinesis, records);
            System.out.printf("Seeded %,d records in %.1f s%n", stored, (System.nanoTime() - started) / 1e9);
            Map<String, Timing> full = measureEngine(kinesis);
            System.out.printf("%n== engine, one-shard stream%n");
            printRatios("records", 0, stored, empty, full);
        }
    }

    private Map<String, Timing> measureEngine(KinesisClient kinesis) {
        List<PutRecordsRequestEntry> batch = entries(100, 100);
        Map<String, Timing> timings = new LinkedHashMap<>();
        double[] put = new double[repeats];
        double[] get = new double[repeats];
        for (int i = -WARM_UP; i < repeats; i++) {
            long started = System.nanoTime();
            kinesis.putRecords(b -> b.streamName("bench-log").records(batch));
            long putDone = System.nanoTime();
            String iterator = kinesis.getShardIterator(b -> b.streamName("bench-log").shardId("shardId-000000000000")
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            int got = kinesis.getRecords(b -> b.shardIterator(iterator).limit(100)).records().size();
            long getDone = System.nanoTime();
            if (got != 100) {
                throw new IllegalStateException("GetRecords from TRIM_HORIZON returned " + got + " records, not 100");
            }
            if (i >= 0) {
                put[i] = (putDone - started) / 1e6;
                get[i] = (getDone - putDone) / 1e6;
            }
        }
        timings.put("PutRecords (100 x 100 B)", timing(put));
        timings.put("GetRecords TRIM_HORIZON (100)", timing(get));
        return timings;
    }

    private long seedRecords(KinesisClient kinesis, long records) throws Exception {
        int batchSize = 500;
        long batches = (records + batchSize - 1) / batchSize;
        AtomicLong next = new AtomicLong();
        AtomicLong stored = new AtomicLong();
        List<PutRecordsRequestEntry> batch = entries(batchSize, 64);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                running.add(writers.submit(() -> {
                    while (next.getAndIncrement() < batches) {
                        PutRecordsResponse response = kinesis.putRecords(b -> b.streamName("bench-log").records(batch));
                        stored.addAndGet(batch.size() - response.failedRecordCount());
                    }
                    return null;
                }));
            }
            for (Future<?> writer : running) {
                writer.get();
            }
        } finally {
            writers.shutdownNow();
        }
        return stored.get();
    }

    private static List<PutRecordsRequestEntry> entries(int count, int bytes) {
        byte[] payload = new byte[bytes];
        Arrays.fill(payload, (byte) 'x');
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromByteArray(payload)).build());
        }
        return entries;
    }

    // ---------------------------------------------------------------- memory and start-up

    private void memory(long members, long records) throws Exception {
        System.gc();
        Thread.sleep(500);
        System.gc();
        var memory = ManagementFactory.getMemoryMXBean();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmRSS") || line.startsWith("VmHWM")).toList().toString();
        System.out.printf("%n== memory of this JVM with %,d members and %,d records%n", members, records);
        System.out.printf("heap used after GC %d MiB (committed %d MiB, max %d MiB); non-heap %d MiB; direct buffers %d MiB;%n%s%n",
                memory.getHeapMemoryUsage().getUsed() >> 20, memory.getHeapMemoryUsage().getCommitted() >> 20,
                memory.getHeapMemoryUsage().getMax() >> 20, memory.getNonHeapMemoryUsage().getUsed() >> 20,
                direct >> 20, rss);
    }

    private static void startup() {
        if (!Boolean.parseBoolean(System.getProperty("bench.startup", "true"))) {
            return;
        }
        try {
            Class<?> benchmark = Class.forName("memberstream.StartupBenchmark");
            Path jar = Path.of(System.getProperty("bench.jar", "target/memberstream.jar"));
            if (!Files.exists(jar)) {
                System.out.println("\nStart-up: " + jar + " missing; build it with ./mvnw -q package -DskipTests");
                return;
            }
            Method times = benchmark.getMethod("startupTimes", Path.class, List.class, int.class);
            @SuppressWarnings("unchecked")
            List<Duration> starts = (List<Duration>) times.invoke(null, jar, List.of(), 5);
            List<Duration> sorted = starts.stream().sorted().toList();
            System.out.printf("%nStart-up to the login page, 5 starts: %s; median %.1f s (goal at most 10 s)%n",
                    starts.stream().map(d -> String.format("%.1f", d.toMillis() / 1000.0)).toList(),
                    sorted.get(2).toMillis() / 1000.0);
        } catch (ClassNotFoundException missing) {
            // Hook for issue 13's start-up part: memberstream.StartupBenchmark comes with the "startup" branch.
            System.out.println("\nStart-up: memberstream.StartupBenchmark is not on this branch; not measured");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- numbers

    private static Timing timing(double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Timing(median, sorted[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)]);
    }

    private static void printRatios(String what, long small, long large, Map<String, Timing> before,
                                    Map<String, Timing> after) {
        System.out.printf("%n== ratio %,d / %,d %s (goal: at most 1.5)%n%-34s %9s %9s %9s %9s %7s %7s%n",
                large, small, what, "operation", "med small", "med large", "p99 small", "p99 large", "median", "p99");
        for (var entry : before.entrySet()) {
            Timing a = entry.getValue();
            Timing b = after.get(entry.getKey());
            if (b == null) {
                continue;
            }
            double ratio = b.median() / a.median();
            System.out.printf("%-34s %9.2f %9.2f %9.2f %9.2f %6.2fx %6.2fx %s%n", entry.getKey(), a.median(), b.median(),
                    a.p99(), b.p99(), ratio, b.p99() / a.p99(), ratio <= 1.5 ? "" : "over goal");
        }
    }

    private void printBufferRatios(long small, long large) {
        System.out.printf("%n== database pages touched (list + exact count; deterministic), %,d vs %,d members%n",
                large, small);
        buffersByOperation.forEach((operation, pages) -> {
            if (pages.size() == 2) {
                System.out.printf("%-34s %9d %9d %6.2fx%n", operation, pages.get(0), pages.get(1),
                        pages.get(1) / (double) Math.max(1, pages.get(0)));
            }
        });
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}

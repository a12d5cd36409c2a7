package memberstream.member.importing;

import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import org.springframework.util.unit.DataSize;

/**
 * The import's check alone (parse and validate, no database: nothing is taken), a command that prints
 * numbers: CPU a row of {@link ImportChecker#check} over the benchmark's CSV of {@code bench.rows}
 * (100,000) rows, best of {@code bench.rounds} (5) rounds in one warm JVM. Thread CPU, so the figure
 * carries on a loaded machine. Run after a test-compile:
 * {@code ./mvnw -q -o exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=memberstream.member.importing.ImportCheckBenchmark}
 */
public final class ImportCheckBenchmark {

    public static void main(String[] args) {
        int rows = Integer.getInteger("bench.rows", 100_000);
        int rounds = Integer.getInteger("bench.rounds", 5);
        byte[] csv = csv(rows, "chk").getBytes(StandardCharsets.UTF_8);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            ImportLimits limits = new ImportLimits(rows, DataSize.ofMegabytes(256), 1000);
            ImportChecker plain = new ImportChecker(factory.getValidator(), (Collection<String> emails) -> Set.of(),
                    limits);
            ImportChecker used = new ImportChecker(ImportChecker.withoutJpaReachability(factory),
                    (Collection<String> emails) -> Set.of(), limits);
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
            for (int round = 1; round <= rounds; round++) {
                for (int which = 0; which < 2; which++) { // A/B in turns, so both see the same load
                    ImportChecker checker = which == 0 ? plain : used;
                    long cpu = threads.getCurrentThreadCpuTime();
                    long wall = System.nanoTime();
                    ImportCheck check = checker.check("bench.csv", new ByteArrayInputStream(csv));
                    double cpuMicros = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / rows;
                    best[which] = Math.min(best[which], cpuMicros);
                    if (check.valid() != rows) {
                        throw new IllegalStateException("Expected " + rows + " valid rows, got " + check.valid()
                                + ": " + check.problems().subList(0, Math.min(3, check.problems().size())));
                    }
                    System.out.printf("round %d, %s: %,d rows checked, CPU %.2f µs a row, wall %.0f ms%n", round,
                            which == 0 ? "factory's validator" : "import's validator", rows, cpuMicros,
                            (System.nanoTime() - wall) / 1e6);
                }
            }
            System.out.printf("check (parse + validate), best round: CPU %.2f µs a row with the factory's validator"
                    + " (JPA reachability), %.2f µs with the import's (%,.0f rows a CPU second)%n",
                    best[0], best[1], 1e6 / best[1]);
        }
    }

    /** The import benchmark's file: one row in ten has a quoted note with a comma. */
    static String csv(int rows, String tag) {
        StringBuilder csv = new StringBuilder("fullName,email,phone,role,status,joinedOn,notes\n");
        for (int i = 0; i < rows; i++) {
            csv.append("Imported Member ").append(i).append(',').append(tag).append('-').append(i)
                    .append("@example.org,+44 20 7946 0").append(i % 1000).append(",MEMBER,ACTIVE,2024-03-01,")
                    .append(i % 10 == 0 ? "\"a note, with a comma\"" : "").append('\n');
        }
        return csv.toString();
    }
}

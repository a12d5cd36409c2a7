package memberstream.member.importing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Bounds of a CSV import ({@code memberstream.import.*}): a file over {@code maxRows} data rows or
 * {@code maxSize} bytes is refused as a whole, before anything is saved; {@code batchSize} members are
 * saved (with their events) in each transaction; a RUNNING job whose console has not renewed its
 * heartbeat for {@code staleAfter} is taken for dead and marked INTERRUPTED by any console.
 */
@ConfigurationProperties("memberstream.import")
public record ImportLimits(@DefaultValue("100000") int maxRows, @DefaultValue("64MB") DataSize maxSize,
                           @DefaultValue("1000") int batchSize, @DefaultValue("60s") Duration staleAfter) {

    @ConstructorBinding // the canonical one, not the short one for tests
    public ImportLimits {
        if (maxRows < 1 || maxSize.toBytes() < 1 || batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("memberstream.import: max-rows and max-size must be positive,"
                    + " batch-size between 1 and 10000");
        }
        if (staleAfter == null || staleAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("memberstream.import.stale-after must be at least 1s");
        }
    }

    public ImportLimits(int maxRows, DataSize maxSize, int batchSize) {
        this(maxRows, maxSize, batchSize, Duration.ofSeconds(60));
    }

    /** How often a running job's console renews its heartbeat: well within {@link #staleAfter}. */
    public Duration heartbeatEvery() {
        return staleAfter.dividedBy(4);
    }
}

package memberstream.member.importing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Bounds of a CSV import ({@code memberstream.import.*}): a file over {@code maxRows} data rows or
 * {@code maxSize} bytes is refused as a whole, before anything is saved; {@code batchSize} members are
 * saved (with their events) in each transaction.
 */
@ConfigurationProperties("memberstream.import")
public record ImportLimits(@DefaultValue("100000") int maxRows, @DefaultValue("64MB") DataSize maxSize,
                           @DefaultValue("1000") int batchSize) {

    public ImportLimits {
        if (maxRows < 1 || maxSize.toBytes() < 1 || batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("memberstream.import: max-rows and max-size must be positive,"
                    + " batch-size between 1 and 10000");
        }
    }
}

package memberstream.forwarding;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.events.core.EventPublicationRepository;
import org.springframework.modulith.events.core.PublicationTargetIdentifier;
import org.springframework.modulith.events.core.TargetEventPublication;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Modulith's publication repository with completions written in batches. Modulith completes
 * each publication on its own (with {@code completion-mode=delete}: one transaction deleting one
 * {@code event_publication} row per forwarded event), which cost a save as much CPU as its own insert.
 * Here a completion is queued and one writer thread deletes what has queued in one statement and one
 * transaction.
 *
 * <p>Nothing committed is lost by this: a completion is queued only after the sink acknowledged the
 * event (Modulith calls it then). If the process dies before the batch is written, the publication is
 * still incomplete in the table and is resubmitted at restart: the event goes out again with the same
 * id, the one kind of duplicate the forwarding contract allows. Until its row is deleted, a queued
 * publication is left out of the "incomplete" lookups, so the periodic resubmission does not send it
 * again meanwhile.
 *
 * <p>Only for {@code spring.modulith.events.completion-mode=delete} (see application.properties).
 * Thread-safety: every method may be called from any thread; the writer thread alone deletes.
 */
final class BatchedPublicationCompletion implements EventPublicationRepository, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchedPublicationCompletion.class);
    private static final int MAX_BATCH = 1_000;

    private final EventPublicationRepository delegate;
    private final Supplier<JdbcTemplate> jdbc;
    private final Supplier<TransactionTemplate> transactions;
    private final Set<UUID> completing = ConcurrentHashMap.newKeySet();
    private final BatchingWriter<UUID> writer;

    /** jdbc and transactions are looked up on first use: this wraps a bean made before them. */
    BatchedPublicationCompletion(EventPublicationRepository delegate, Supplier<JdbcTemplate> jdbc,
                                 Supplier<TransactionTemplate> transactions) {
        this.delegate = delegate;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.writer = new BatchingWriter<>("publication-completion-writer", MAX_BATCH, this::delete);
    }

    @Override
    public void markCompleted(UUID identifier, Instant completionDate) {
        completing.add(identifier);
        if (!writer.add(identifier)) {
            completing.remove(identifier);
            delegate.markCompleted(identifier, completionDate);
        }
    }

    @Override
    public void markCompleted(TargetEventPublication publication, Instant completionDate) {
        markCompleted(publication.getIdentifier(), completionDate);
    }

    @Override
    public void markCompleted(Object event, PublicationTargetIdentifier identifier, Instant completionDate) {
        delegate.markCompleted(event, identifier, completionDate);
    }

    /** Completions queued or being written and not yet deleted. */
    int pending() {
        return completing.size();
    }

    private void delete(List<UUID> batch) {
        try {
            transactions.get().executeWithoutResult(tx -> jdbc.get().update(
                    "delete from event_publication where id = any (?)", (Object) batch.toArray(UUID[]::new)));
        } catch (RuntimeException e) {
            // The rows stay incomplete and are resubmitted later; the events go out again, same ids.
            log.warn("Could not complete {} event publication(s); they will be resubmitted: {}", batch.size(),
                    e.toString());
        } finally {
            batch.forEach(completing::remove);
        }
    }

    @Override
    public TargetEventPublication create(TargetEventPublication publication) {
        return delegate.create(publication);
    }

    @Override
    public List<TargetEventPublication> findIncompletePublications() {
        return withoutCompleting(delegate.findIncompletePublications());
    }

    @Override
    public List<TargetEventPublication> findIncompletePublicationsPublishedBefore(Instant instant) {
        return withoutCompleting(delegate.findIncompletePublicationsPublishedBefore(instant));
    }

    @Override
    public Optional<TargetEventPublication> findIncompletePublicationsByEventAndTargetIdentifier(
            Object event, PublicationTargetIdentifier targetIdentifier) {
        return delegate.findIncompletePublicationsByEventAndTargetIdentifier(event, targetIdentifier)
                .filter(publication -> !completing.contains(publication.getIdentifier()));
    }

    @Override
    public List<TargetEventPublication> findCompletedPublications() {
        return delegate.findCompletedPublications();
    }

    @Override
    public void deletePublications(List<UUID> identifiers) {
        delegate.deletePublications(identifiers);
    }

    @Override
    public void deleteCompletedPublications() {
        delegate.deleteCompletedPublications();
    }

    @Override
    public void deleteCompletedPublicationsBefore(Instant instant) {
        delegate.deleteCompletedPublicationsBefore(instant);
    }

    private List<TargetEventPublication> withoutCompleting(List<TargetEventPublication> publications) {
        if (completing.isEmpty()) {
            return publications;
        }
        return publications.stream().filter(p -> !completing.contains(p.getIdentifier())).toList();
    }

    /** Writes what is queued, then stops; later completions go straight to the delegate. */
    @Override
    public void close() {
        writer.close();
    }
}

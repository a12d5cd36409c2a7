package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.events.core.EventPublicationRepository;
import org.springframework.modulith.events.core.PublicationTargetIdentifier;
import org.springframework.modulith.events.core.TargetEventPublication;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The batching wrapper alone, over an in-memory repository: a queued completion hides its publication
 * from the "incomplete" lookups, and one whose delete fails shows up again, to be resubmitted. The
 * real delete against PostgreSQL is covered by ForwardingIntegrationTest (every publication completed).
 */
class BatchedPublicationCompletionTest {

    private final List<TargetEventPublication> stored = new ArrayList<>();
    private final CountDownLatch writerMayGoOn = new CountDownLatch(1);
    private final CountDownLatch writerTried = new CountDownLatch(1);

    private final BatchedPublicationCompletion repository = new BatchedPublicationCompletion(new InMemory(),
            () -> {
                throw new IllegalStateException("no JDBC here");
            },
            () -> {
                try {
                    writerMayGoOn.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                writerTried.countDown();
                throw new IllegalStateException("the database is down");
            });

    @Test
    void aQueuedCompletionIsNotResubmittedAndAFailedOneIsAgain() throws Exception {
        TargetEventPublication first = repository.create(TargetEventPublication.of("first",
                PublicationTargetIdentifier.of("listener")));
        TargetEventPublication second = repository.create(TargetEventPublication.of("second",
                PublicationTargetIdentifier.of("listener")));

        repository.markCompleted(first, Instant.now());

        assertThat(repository.findIncompletePublications()).containsExactly(second);
        assertThat(repository.findIncompletePublicationsPublishedBefore(Instant.now().plusSeconds(60)))
                .containsExactly(second);
        assertThat(repository.pending()).isEqualTo(1);

        writerMayGoOn.countDown();
        assertThat(writerTried.await(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (repository.pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        assertThat(repository.pending()).isZero();
        assertThat(repository.findIncompletePublications()).containsExactly(first, second);
        repository.close();
    }

    /** Keeps publications in a list; completing is this wrapper's job, so the delegate never does it. */
    private final class InMemory implements EventPublicationRepository {

        @Override
        public TargetEventPublication create(TargetEventPublication publication) {
            stored.add(publication);
            return publication;
        }

        @Override
        public void markCompleted(Object event, PublicationTargetIdentifier identifier, Instant completionDate) {
            throw new AssertionError("not used");
        }

        @Override
        public void markCompleted(UUID identifier, Instant completionDate) {
            throw new AssertionError("completions must be batched, not delegated");
        }

        @Override
        public List<TargetEventPublication> findIncompletePublications() {
            return List.copyOf(stored);
        }

        @Override
        public List<TargetEventPublication> findIncompletePublicationsPublishedBefore(Instant instant) {
            return stored.stream().filter(p -> p.getPublicationDate().isBefore(instant)).toList();
        }

        @Override
        public Optional<TargetEventPublication> findIncompletePublicationsByEventAndTargetIdentifier(
                Object event, PublicationTargetIdentifier targetIdentifier) {
            return stored.stream().filter(p -> p.isAssociatedWith(event, targetIdentifier)).findFirst();
        }

        @Override
        public void deletePublications(List<UUID> identifiers) {
            stored.removeIf(p -> identifiers.contains(p.getIdentifier()));
        }

        @Override
        public void deleteCompletedPublications() {
        }

        @Override
        public void deleteCompletedPublicationsBefore(Instant instant) {
        }
    }
}

package memberstream.forwarding;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import memberstream.aws.AwsClients;
import memberstream.aws.AwsProperties;
import memberstream.aws.ResourceProvisioner;
import memberstream.base.InstanceId;
import memberstream.settings.SettingsService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires forwarding onto the {@code aws} package's clients: the claims and the per-member order that
 * make several consoles safe on one database, one sink per kind, the event log, the forwarder and its
 * after-commit listener (the event log's row is the outbox: see {@link ChangeForwardingListener}), and
 * resubmission from it.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!engine")
@EnableScheduling
class ForwardingConfiguration {

    /** Completes sink and event-log futures, so callers' continuations never run on a sender thread. */
    static final class CompletionThreads implements AutoCloseable {
        final ExecutorService executor;

        CompletionThreads(int threads) {
            AtomicInteger count = new AtomicInteger();
            ThreadFactory factory = runnable -> {
                Thread thread = new Thread(runnable, "forwarding-completion-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
            this.executor = Executors.newFixedThreadPool(threads, factory);
        }

        @Override
        public void close() {
            executor.shutdown();
        }
    }

    @Bean(destroyMethod = "close")
    CompletionThreads forwardingCompletionThreads() {
        // Each completion is a short database write (the event log): a few threads keep
        // the two cores busy without piling up connections.
        return new CompletionThreads(4);
    }

    @Bean
    DeliveryRetryPolicy deliveryRetryPolicy(ForwardingProperties properties) {
        return new DeliveryRetryPolicy(properties);
    }

    @Bean(destroyMethod = "close")
    PublicationClaims publicationClaims(JdbcTemplate jdbc, InstanceId instanceId, Clock clock,
                                        ForwardingProperties properties, AwsProperties aws) {
        // A send may start while the claim has more than one whole call (and a second) to run.
        return new PublicationClaims(jdbc, instanceId::get, clock, properties.claimTime(),
                aws.callTimeout().plusSeconds(1));
    }

    @Bean(destroyMethod = "close")
    SendOrder sendOrder(JdbcTemplate jdbc, CompletionThreads threads, ForwardingProperties properties) {
        return new SendOrder(ids -> Set.copyOf(jdbc.queryForList(
                "select event_id from forwarded_events where event_id = any (?) and status = 'DELIVERED'",
                UUID.class, (Object) ids.toArray(UUID[]::new))), threads.executor, Duration.ofMillis(50),
                properties.orderWait());
    }

    @Bean(destroyMethod = "close")
    KinesisSink kinesisSink(AwsClients clients, DeliveryRetryPolicy retryPolicy, CompletionThreads threads,
                            ForwardingProperties properties, PublicationClaims claims) {
        return new KinesisSink(clients, retryPolicy, threads.executor, properties.maxBatchRecords(),
                properties.linger(), properties.batchWindow(), properties.busyBatchWindow(), claims::holds);
    }

    @Bean(destroyMethod = "close")
    FirehoseSink firehoseSink(AwsClients clients, DeliveryRetryPolicy retryPolicy, CompletionThreads threads,
                              ForwardingProperties properties, PublicationClaims claims) {
        return new FirehoseSink(clients, retryPolicy, threads.executor, properties.maxBatchRecords(),
                properties.linger(), properties.batchWindow(), properties.busyBatchWindow(), claims::holds);
    }

    @Bean(destroyMethod = "close")
    EventLog eventLog(JdbcTemplate jdbc, PlatformTransactionManager transactions, CompletionThreads threads,
                      Clock clock, InstanceId instanceId, ObjectMapper json) {
        var template = new TransactionTemplate(transactions);
        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        return new EventLog(jdbc, template, threads.executor, clock, instanceId::get, json);
    }

    @Bean
    SettingsSinkNames settingsSinkNames(SettingsService settings) {
        return new SettingsSinkNames(settings);
    }

    @Bean
    EventForwarder eventForwarder(PublicationClaims claims, SendOrder order, KinesisSink kinesis,
                                  FirehoseSink firehose, EventLog eventLog, ObjectMapper json,
                                  ResourceProvisioner provisioned) {
        return new EventForwarder(claims, order, Map.of(SinkKind.KINESIS, kinesis, SinkKind.FIREHOSE, firehose),
                eventLog, json);
    }

    @Bean
    ChangeForwardingListener changeForwardingListener(EventForwarder forwarder, PublicationClaims claims,
                                                      ResourceProvisioner provisioner, ObjectMapper json,
                                                      MemberHistory history) {
        return new ChangeForwardingListener(forwarder, claims, provisioner, json, history);
    }

    @Bean
    LegacyPublications legacyPublications(JdbcTemplate jdbc, PlatformTransactionManager transactions,
                                          ObjectMapper json, Clock clock) {
        return new LegacyPublications(jdbc, new TransactionTemplate(transactions), json, clock);
    }

    @Bean
    PublicationResubmitter publicationResubmitter(JdbcTemplate jdbc, EventForwarder forwarder, InstanceId instanceId,
                                                  Clock clock, ForwardingProperties properties,
                                                  ResourceProvisioner provisioner, LegacyPublications legacy) {
        return new PublicationResubmitter(jdbc, forwarder, instanceId::get, clock, properties, provisioner, legacy);
    }

    @Bean
    UndeliveredEvents undeliveredEvents(EventLogService eventLog) {
        return new UndeliveredEvents(eventLog);
    }

    @Bean
    EventLogService eventLogService(ForwardedEventRepository repository, PublicationResubmitter resubmitter) {
        return new EventLogService(repository, resubmitter);
    }
}

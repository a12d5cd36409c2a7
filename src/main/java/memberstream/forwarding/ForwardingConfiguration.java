package memberstream.forwarding;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import memberstream.aws.AwsClients;
import memberstream.aws.ResourceProvisioner;
import memberstream.settings.SettingsService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.modulith.events.core.EventPublicationRepository;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires forwarding onto the {@code aws} package's clients: one sink per kind, the event log, the
 * forwarder and its after-commit listener, resubmission and resource provisioning.
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

    /**
     * Completes event publications in batches (see {@link BatchedPublicationCompletion}); only with
     * completion-mode delete, which is what application.properties sets.
     */
    @Bean
    static BeanPostProcessor batchedPublicationCompletion(ObjectProvider<JdbcTemplate> jdbc,
                                                         ObjectProvider<PlatformTransactionManager> transactions,
                                                         Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                boolean deleteMode = "delete".equalsIgnoreCase(
                        environment.getProperty("spring.modulith.events.completion-mode", "update"));
                if (deleteMode && bean instanceof EventPublicationRepository repository
                        && !(bean instanceof BatchedPublicationCompletion)) {
                    return new BatchedPublicationCompletion(repository, jdbc::getObject, () -> {
                        var template = new TransactionTemplate(transactions.getObject());
                        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
                        return template;
                    });
                }
                return bean;
            }
        };
    }

    @Bean(destroyMethod = "close")
    CompletionThreads forwardingCompletionThreads() {
        // Each completion is a short database write (event log, publication registry): a few threads keep
        // the two cores busy without piling up connections.
        return new CompletionThreads(4);
    }

    @Bean
    DeliveryRetryPolicy deliveryRetryPolicy(ForwardingProperties properties) {
        return new DeliveryRetryPolicy(properties);
    }

    @Bean(destroyMethod = "close")
    KinesisSink kinesisSink(AwsClients clients, DeliveryRetryPolicy retryPolicy, CompletionThreads threads,
                            ForwardingProperties properties) {
        return new KinesisSink(clients, retryPolicy, threads.executor, properties.maxBatchRecords());
    }

    @Bean(destroyMethod = "close")
    FirehoseSink firehoseSink(AwsClients clients, DeliveryRetryPolicy retryPolicy, CompletionThreads threads,
                              ForwardingProperties properties) {
        return new FirehoseSink(clients, retryPolicy, threads.executor, properties.maxBatchRecords());
    }

    @Bean(destroyMethod = "close")
    EventLog eventLog(JdbcTemplate jdbc, PlatformTransactionManager transactions, CompletionThreads threads,
                      Clock clock) {
        var template = new TransactionTemplate(transactions);
        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        return new EventLog(jdbc, template, threads.executor, clock);
    }

    @Bean
    SettingsSinkNames settingsSinkNames(SettingsService settings) {
        return new SettingsSinkNames(settings);
    }

    @Bean
    EventForwarder eventForwarder(SettingsSinkNames names, KinesisSink kinesis, FirehoseSink firehose,
                                  EventLog eventLog, ObjectMapper json, ResourceProvisioner provisioned) {
        return new EventForwarder(() -> names.get().route(),
                Map.of(SinkKind.KINESIS, kinesis, SinkKind.FIREHOSE, firehose), eventLog, json);
    }

    @Bean
    ChangeForwardingListener changeForwardingListener(EventForwarder forwarder, EventLog eventLog,
                                                      ResourceProvisioner provisioner) {
        return new ChangeForwardingListener(forwarder, eventLog, provisioner);
    }

    @Bean
    PublicationResubmitter publicationResubmitter(IncompleteEventPublications incomplete,
                                                  ForwardingProperties properties, ResourceProvisioner provisioner) {
        return new PublicationResubmitter(incomplete, properties, provisioner);
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

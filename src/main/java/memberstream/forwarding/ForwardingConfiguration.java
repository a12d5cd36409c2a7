package memberstream.forwarding;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import memberstream.engine.EngineServer;
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
 * Wires forwarding: the AWS clients for the configured mode, one sink per kind, the event log, the
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
    AwsClients awsClients(AwsProperties properties, ObjectProvider<EngineServer> engine,
                          org.springframework.core.env.Environment environment) {
        Supplier<URI> endpoint = switch (properties.mode()) {
            case EMBEDDED -> {
                EngineServer server = engine.getObject();
                yield () -> URI.create("http://127.0.0.1:" + server.port());
            }
            case ENDPOINT -> properties::endpoint;
            case AWS -> null;
        };
        // The engine's first credential pair (memberstream.engine.credentials, "<id>:<secret>,...").
        String pair = environment.getProperty("memberstream.engine.credentials[0]",
                environment.getProperty("memberstream.engine.credentials", "test:test")).split(",")[0].trim();
        int colon = pair.indexOf(':');
        return new AwsClients(properties, endpoint, colon <= 0 ? AwsClients.LOCAL_CREDENTIALS
                : software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(pair.substring(0, colon),
                        pair.substring(colon + 1)));
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
    ResourceProvisioner resourceProvisioner(AwsClients clients, AwsProperties properties, SettingsSinkNames names) {
        var provisioner = new ResourceProvisioner(clients, properties, names);
        // In the background, so creating streams doesn't hold up the login page; ensure() is
        // synchronized and every send calls it first, so no event goes out before its resource exists.
        Thread background = new Thread(provisioner::ensure, "resource-provisioner");
        background.setDaemon(true);
        background.start();
        return provisioner;
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

package memberstream.engine.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import memberstream.engine.EngineServer;
import memberstream.engine.storage.FsyncPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** DynamoDB through the AWS SDK's DynamoDbClient, over HTTP and SigV4, against the engine's route. */
class DynamoDbApiTest {

    @TempDir
    Path directory;

    private DynamoDbService service;
    private EngineServer server;
    private DynamoDbClient client;

    @BeforeEach
    void start() {
        open(Duration.ZERO);
    }

    private void open(Duration statusDelay) {
        service = new DynamoDbService(directory, FsyncPolicy.OS, Clock.systemUTC(), statusDelay);
        server = new EngineServer(List.of(service), "127.0.0.1", 0).start();
        client = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        service.close();
    }

    private void restart() {
        stop();
        open(Duration.ZERO);
    }

    private void leaseTable(String name) {
        client.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("leaseKey").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH)));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    @Test
    void tablesAreCreatedDescribedListedInPagesAndDeleted() {
        leaseTable("leases-a");
        client.createTable(b -> b.tableName("orders").billingMode(BillingMode.PROVISIONED)
                .provisionedThroughput(p -> p.readCapacityUnits(5L).writeCapacityUnits(7L))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE)));
        leaseTable("leases-b");

        var table = client.describeTable(b -> b.tableName("orders")).table();
        assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(table.provisionedThroughput().writeCapacityUnits()).isEqualTo(7L);
        assertThat(table.keySchema()).extracting(k -> k.attributeName()).containsExactly("pk", "sk");
        assertThat(table.tableArn()).isEqualTo("arn:aws:dynamodb:us-east-1:000000000000:table/orders");
        assertThat(client.describeTable(b -> b.tableName("leases-a")).table().billingModeSummary().billingMode())
                .isEqualTo(BillingMode.PAY_PER_REQUEST);

        var first = client.listTables(b -> b.limit(2));
        assertThat(first.tableNames()).containsExactly("leases-a", "leases-b");
        var second = client.listTables(b -> b.limit(2).exclusiveStartTableName(first.lastEvaluatedTableName()));
        assertThat(second.tableNames()).containsExactly("orders");
        assertThat(second.lastEvaluatedTableName()).isNull();

        assertThatThrownBy(() -> leaseTable("orders")).isInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("Table already exists: orders");
        client.deleteTable(b -> b.tableName("orders"));
        assertThatThrownBy(() -> client.describeTable(b -> b.tableName("orders"))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void provisionedTableWithoutThroughputIsRefusedAsDynamoDbWordsIt() {
        assertThatThrownBy(() -> client.createTable(b -> b.tableName("bad").billingMode(BillingMode.PROVISIONED)
                .attributeDefinitions(a -> a.attributeName("k").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("k").keyType(KeyType.HASH))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("ReadCapacityUnits and WriteCapacityUnits must both be specified")
                .satisfies(e -> assertThat(((DynamoDbException) e).statusCode()).isEqualTo(400));
    }

    @Test
    void conditionalWritesAndReturnValues() {
        leaseTable("leases");
        client.putItem(b -> b.tableName("leases").item(Map.of("leaseKey", s("shard-0"), "leaseCounter", n(1), "owner", s("w1")))
                .conditionExpression("attribute_not_exists(leaseKey)"));
        assertThatThrownBy(() -> client.putItem(b -> b.tableName("leases").item(Map.of("leaseKey", s("shard-0")))
                .conditionExpression("attribute_not_exists(leaseKey)")))
                .isInstanceOf(ConditionalCheckFailedException.class).hasMessageContaining("The conditional request failed");

        var updated = client.updateItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-0")))
                .updateExpression("SET leaseCounter = leaseCounter + :one, #o = :w2, tags = list_append(if_not_exists(tags, :empty), :t) "
                        + "ADD seen :set REMOVE missing")
                .conditionExpression("leaseCounter = :c AND #o IN (:w1, :w3) AND begins_with(#o, :w) AND size(#o) BETWEEN :one AND :three")
                .expressionAttributeNames(Map.of("#o", "owner"))
                .expressionAttributeValues(Map.of(":one", n(1), ":three", n(3), ":w2", s("w2"), ":c", n(1), ":w1", s("w1"),
                        ":w3", s("w3"), ":w", s("w"), ":empty", AttributeValue.fromL(List.of()), ":t", AttributeValue.fromL(List.of(s("x"))),
                        ":set", AttributeValue.fromSs(List.of("a", "b"))))
                .returnValues(ReturnValue.ALL_NEW));
        assertThat(updated.attributes()).containsEntry("leaseCounter", n(2)).containsEntry("owner", s("w2"))
                .containsEntry("tags", AttributeValue.fromL(List.of(s("x"))));
        assertThat(updated.attributes().get("seen").ss()).containsExactlyInAnyOrder("a", "b");

        var old = client.updateItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-0")))
                .updateExpression("DELETE seen :a SET leaseCounter = :ten").returnValues(ReturnValue.UPDATED_OLD)
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromSs(List.of("a")), ":ten", n(10))));
        assertThat(old.attributes()).containsOnlyKeys("seen", "leaseCounter").containsEntry("leaseCounter", n(2));

        var item = client.getItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-0"))).consistentRead(true)
                .projectionExpression("leaseCounter, seen")).item();
        assertThat(item).containsOnlyKeys("leaseCounter", "seen");
        assertThat(item.get("seen").ss()).containsExactly("b");

        assertThatThrownBy(() -> client.updateItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-0")))
                .updateExpression("SET leaseKey = :v").expressionAttributeValues(Map.of(":v", s("other")))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("This attribute is part of the key");

        var deleted = client.deleteItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-0")))
                .conditionExpression("attribute_type(leaseCounter, :n) AND NOT contains(seen, :a)")
                .expressionAttributeValues(Map.of(":n", s("N"), ":a", s("a"))).returnValues(ReturnValue.ALL_OLD));
        assertThat(deleted.attributes()).containsEntry("leaseCounter", n(10));
        assertThat(client.getItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-0")))).hasItem()).isFalse();
    }

    @Test
    void legacyExpectedAndAttributeUpdatesAsKclSendsThem() {
        leaseTable("leases");
        client.putItem(b -> b.tableName("leases").item(Map.of("leaseKey", s("shard-1"), "leaseCounter", n(0)))
                .expected(Map.of("leaseKey", ExpectedAttributeValue.builder().exists(false).build())));
        client.updateItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-1")))
                .expected(Map.of("leaseCounter", ExpectedAttributeValue.builder().value(n(0)).build()))
                .attributeUpdates(Map.of("leaseCounter", AttributeValueUpdate.builder().action(AttributeAction.ADD).value(n(1)).build(),
                        "leaseOwner", AttributeValueUpdate.builder().action(AttributeAction.PUT).value(s("worker-1")).build())));
        assertThatThrownBy(() -> client.updateItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-1")))
                .expected(Map.of("leaseCounter", ExpectedAttributeValue.builder().value(n(0)).build()))
                .attributeUpdates(Map.of("leaseOwner", AttributeValueUpdate.builder().action(AttributeAction.DELETE).build()))))
                .isInstanceOf(ConditionalCheckFailedException.class);
        var item = client.getItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-1"))).consistentRead(true)).item();
        assertThat(item).containsEntry("leaseCounter", n(1)).containsEntry("leaseOwner", s("worker-1"));
    }

    @Test
    void scanAndQueryPageWithFilterProjectionAndAnAddedIndex() {
        client.createTable(b -> b.tableName("events").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE)));
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < 10; i++) {
                int partition = p;
                int sort = i;
                client.putItem(b -> b.tableName("events").item(Map.of("pk", s("p" + partition), "sk", n(sort),
                        "owner", s("w" + (sort % 2)), "payload", s("x".repeat(sort)))));
            }
        }
        List<Map<String, AttributeValue>> all = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        int pages = 0;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = client.scan(b -> b.tableName("events").limit(7).exclusiveStartKey(from));
            all.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            pages++;
        } while (start != null);
        assertThat(all).hasSize(30);
        assertThat(pages).isEqualTo(5);

        QueryResponse query = client.query(b -> b.tableName("events").keyConditionExpression("pk = :p AND sk BETWEEN :lo AND :hi")
                .filterExpression("#o = :w").projectionExpression("sk").expressionAttributeNames(Map.of("#o", "owner"))
                .expressionAttributeValues(Map.of(":p", s("p1"), ":lo", n(2), ":hi", n(7), ":w", s("w1"))).scanIndexForward(false));
        assertThat(query.items()).extracting(i -> i.get("sk").n()).containsExactly("7", "5", "3");
        assertThat(query.items().get(0)).containsOnlyKeys("sk");
        assertThat(query.scannedCount()).isEqualTo(6);

        client.updateTable(b -> b.tableName("events")
                .attributeDefinitions(a -> a.attributeName("owner").attributeType(ScalarAttributeType.S))
                .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName("owner-index")
                        .keySchema(k -> k.attributeName("owner").keyType(KeyType.HASH))
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)))));
        var index = client.describeTable(b -> b.tableName("events")).table().globalSecondaryIndexes().get(0);
        assertThat(index.indexStatus()).isEqualTo(IndexStatus.ACTIVE);
        List<Map<String, AttributeValue>> owned = new ArrayList<>();
        Map<String, AttributeValue> next = null;
        do {
            Map<String, AttributeValue> from = next;
            QueryResponse page = client.query(b -> b.tableName("events").indexName("owner-index").keyConditionExpression("#o = :w")
                    .expressionAttributeNames(Map.of("#o", "owner")).expressionAttributeValues(Map.of(":w", s("w0")))
                    .limit(4).exclusiveStartKey(from));
            owned.addAll(page.items());
            next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (next != null);
        assertThat(owned).hasSize(15).allSatisfy(i -> assertThat(i).containsOnlyKeys("pk", "sk", "owner"));
    }

    @Test
    void transactionsApplyAllOrNothingWithCancellationReasons() {
        leaseTable("leases");
        client.putItem(b -> b.tableName("leases").item(Map.of("leaseKey", s("a"), "v", n(1))));
        assertThatThrownBy(() -> client.transactWriteItems(b -> b.transactItems(
                t -> t.put(p -> p.tableName("leases").item(Map.of("leaseKey", s("b"), "v", n(1)))),
                t -> t.conditionCheck(c -> c.tableName("leases").key(Map.of("leaseKey", s("a")))
                        .conditionExpression("v = :two").expressionAttributeValues(Map.of(":two", n(2)))))))
                .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                    assertThat(e.cancellationReasons()).extracting(r -> r.code()).containsExactly("None", "ConditionalCheckFailed");
                    assertThat(e.getMessage()).contains("Transaction cancelled, please refer cancellation reasons for specific reasons "
                            + "[None, ConditionalCheckFailed]");
                });
        assertThat(client.getItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("b")))).hasItem()).isFalse();

        client.transactWriteItems(b -> b.transactItems(
                t -> t.put(p -> p.tableName("leases").item(Map.of("leaseKey", s("b"), "v", n(1)))),
                t -> t.update(u -> u.tableName("leases").key(Map.of("leaseKey", s("a"))).updateExpression("SET v = v + :one")
                        .conditionExpression("v = :one").expressionAttributeValues(Map.of(":one", n(1))))));
        assertThat(client.getItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("a")))).item()).containsEntry("v", n(2));
        assertThat(client.getItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("b")))).hasItem()).isTrue();
    }

    @Test
    void racingConditionalWritesOnOneItemHaveExactlyOneWinnerEachRound() throws Exception {
        leaseTable("leases");
        client.putItem(b -> b.tableName("leases").item(Map.of("leaseKey", s("hot"), "counter", n(0))));
        int threads = 8;
        int rounds = 40;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        AtomicInteger[] winners = new AtomicInteger[rounds];
        for (int r = 0; r < rounds; r++) {
            winners[r] = new AtomicInteger();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String owner = "worker-" + t;
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        barrier.await(30, TimeUnit.SECONDS);
                        int r = round;
                        try {
                            client.updateItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("hot")))
                                    .updateExpression("SET #c = #c + :one, lastOwner = :me").conditionExpression("#c = :expected")
                                    .expressionAttributeNames(Map.of("#c", "counter"))
                                    .expressionAttributeValues(Map.of(":one", n(1), ":me", s(owner), ":expected", n(r))));
                            winners[r].incrementAndGet();
                        } catch (ConditionalCheckFailedException lost) {
                            // another worker took this round
                        }
                        barrier.await(30, TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int r = 0; r < rounds; r++) {
            assertThat(winners[r].get()).as("winners of round %d", r).isEqualTo(1);
        }
        assertThat(client.getItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("hot"))).consistentRead(true)).item())
                .containsEntry("counter", n(rounds));
    }

    @Test
    void tablesItemsAndIndexesSurviveARestart() {
        leaseTable("leases");
        client.updateTable(b -> b.tableName("leases")
                .attributeDefinitions(a -> a.attributeName("leaseOwner").attributeType(ScalarAttributeType.S))
                .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName("LeaseOwnerToLeaseKeyIndex")
                        .keySchema(k -> k.attributeName("leaseOwner").keyType(KeyType.HASH))
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)))));
        for (int i = 0; i < 5; i++) {
            int shard = i;
            client.putItem(b -> b.tableName("leases").item(Map.of("leaseKey", s("shard-" + shard), "leaseOwner", s("w" + shard % 2),
                    "checkpoint", s("4960000000000" + shard))));
        }
        client.deleteItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-4"))));
        restart();
        assertThat(client.scan(b -> b.tableName("leases")).items()).hasSize(4);
        assertThat(client.getItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("shard-3")))).item())
                .containsEntry("checkpoint", s("49600000000003"));
        assertThat(client.query(b -> b.tableName("leases").indexName("LeaseOwnerToLeaseKeyIndex")
                .keyConditionExpression("leaseOwner = :w").expressionAttributeValues(Map.of(":w", s("w1")))).items())
                .extracting(i -> i.get("leaseKey").s()).containsExactlyInAnyOrder("shard-1", "shard-3");
    }

    @Test
    void hostileInputGetsValidationErrorsNotFailures() {
        leaseTable("leases");
        Map<String, AttributeValue> big = new HashMap<>();
        big.put("leaseKey", s("big"));
        big.put("blob", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[401 * 1024])));
        assertThatThrownBy(() -> client.putItem(b -> b.tableName("leases").item(big)))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("Item size has exceeded the maximum allowed size");
        assertThatThrownBy(() -> client.getItem(b -> b.tableName("leases").key(Map.of("leaseKey", n(1)))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("The provided key element does not match the schema");
        assertThatThrownBy(() -> client.updateItem(b -> b.tableName("leases").key(Map.of("leaseKey", s("a")))
                .updateExpression("SET a = ((((").expressionAttributeValues(Map.of(":v", n(1)))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("Invalid UpdateExpression: Syntax error");
        assertThatThrownBy(() -> client.putItem(b -> b.tableName("leases").item(Map.of("leaseKey", s("a")))
                .conditionExpression("a = :v").expressionAttributeValues(Map.of(":v", n(1), ":unused", n(2)))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("unused in expressions: keys: {:unused}");
        String deep = "(".repeat(200) + "a = :v" + ")".repeat(200);
        assertThatThrownBy(() -> client.putItem(b -> b.tableName("leases").item(Map.of("leaseKey", s("a")))
                .conditionExpression(deep).expressionAttributeValues(Map.of(":v", n(1)))))
                .isInstanceOf(DynamoDbException.class).satisfies(e -> assertThat(((DynamoDbException) e).statusCode()).isEqualTo(400));
        assertThatThrownBy(() -> client.query(b -> b.tableName("leases").keyConditionExpression("leaseKey = :k")
                .expressionAttributeValues(Map.of(":k", n(1)))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("Condition parameter type does not match schema type");
        assertThatThrownBy(() -> client.scan(b -> b.tableName("leases").exclusiveStartKey(Map.of("leaseKey", n(1)))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("The provided starting key is invalid");
        assertThatThrownBy(() -> client.getItem(b -> b.tableName("nope").key(Map.of("leaseKey", s("a")))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> client.batchGetItem(b -> b.requestItems(Map.of("leases",
                software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(Map.of("leaseKey", s("a"))).build()))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("BatchGetItem is not supported by this engine");
    }
}

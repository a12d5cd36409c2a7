package memberstream.live.tail;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import memberstream.live.ShardRange;

/**
 * An in-memory stand-in for one Kinesis stream, only for the unit test of {@link LiveConsumer}: just
 * the five calls the consumer makes, with iterators "shard/position". The real engine is tested
 * through the SDK elsewhere.
 */
final class FakeKinesis implements KinesisClient {

    private final Clock clock;
    private String streamName;
    private Instant createdAt;
    private final Map<String, FakeShard> shards = new LinkedHashMap<>();
    private long sequence = 1000;
    int throttleNextGetRecords;
    final List<String> getRecordsCalls = new ArrayList<>();

    private static final class FakeShard {
        final String id;
        final String parent;
        final BigInteger start;
        final BigInteger end;
        final List<Record> records = new ArrayList<>();
        boolean closed;
        final List<String> children = new ArrayList<>();

        FakeShard(String id, String parent, BigInteger start, BigInteger end) {
            this.id = id;
            this.parent = parent;
            this.start = start;
            this.end = end;
        }
    }

    FakeKinesis(Clock clock) {
        this.clock = clock;
    }

    void createStream(String name, int shardCount) {
        streamName = name;
        createdAt = clock.instant();
        shards.clear();
        BigInteger size = ShardRange.MAX_HASH_KEY.add(BigInteger.ONE).divide(BigInteger.valueOf(shardCount));
        for (int i = 0; i < shardCount; i++) {
            BigInteger end = i == shardCount - 1 ? ShardRange.MAX_HASH_KEY : size.multiply(BigInteger.valueOf(i + 1)).subtract(BigInteger.ONE);
            String id = shardId(i);
            shards.put(id, new FakeShard(id, null, size.multiply(BigInteger.valueOf(i)), end));
        }
    }

    void deleteStream() {
        streamName = null;
        shards.clear();
    }

    String put(String shardId, String data) {
        String seq = Long.toString(sequence++);
        FakeShard shard = shards.get(shardId);
        if (shard.closed) {
            throw new IllegalStateException("closed");
        }
        shard.records.add(Record.builder().sequenceNumber(seq).partitionKey("pk-" + seq)
                .approximateArrivalTimestamp(clock.instant()).data(SdkBytes.fromUtf8String(data)).build());
        return seq;
    }

    /** Closes a shard and adds two children splitting its range in half. */
    List<String> split(String shardId) {
        FakeShard parent = shards.get(shardId);
        parent.closed = true;
        BigInteger middle = parent.start.add(parent.end).shiftRight(1);
        String left = shardId(shards.size());
        shards.put(left, new FakeShard(left, shardId, parent.start, middle));
        String right = shardId(shards.size());
        shards.put(right, new FakeShard(right, shardId, middle.add(BigInteger.ONE), parent.end));
        parent.children.add(left);
        parent.children.add(right);
        return List.of(left, right);
    }

    static String shardId(int index) {
        return String.format("shardId-%012d", index);
    }

    @Override
    public DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest request) {
        requireStream(request.streamName());
        return DescribeStreamSummaryResponse.builder().streamDescriptionSummary(StreamDescriptionSummary.builder()
                .streamName(streamName).streamARN("arn:aws:kinesis:us-east-1:000000000000:stream/" + streamName)
                .streamStatus(StreamStatus.ACTIVE).streamCreationTimestamp(createdAt)
                .openShardCount((int) shards.values().stream().filter(s -> !s.closed).count()).build()).build();
    }

    @Override
    public ListShardsResponse listShards(ListShardsRequest request) {
        requireStream(request.streamName());
        List<Shard> listed = new ArrayList<>();
        for (FakeShard shard : shards.values()) {
            listed.add(Shard.builder().shardId(shard.id).parentShardId(shard.parent)
                    .hashKeyRange(HashKeyRange.builder().startingHashKey(shard.start.toString())
                            .endingHashKey(shard.end.toString()).build())
                    .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("0")
                            .endingSequenceNumber(shard.closed ? "999999" : null).build())
                    .build());
        }
        return ListShardsResponse.builder().shards(listed).build();
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        requireStream(request.streamName());
        FakeShard shard = shards.get(request.shardId());
        int position = switch (request.shardIteratorType()) {
            case TRIM_HORIZON -> 0;
            case LATEST -> shard.records.size();
            case AFTER_SEQUENCE_NUMBER -> indexOf(shard, request.startingSequenceNumber()) + 1;
            case AT_TIMESTAMP -> (int) shard.records.stream()
                    .filter(r -> r.approximateArrivalTimestamp().isBefore(request.timestamp())).count();
            default -> throw new UnsupportedOperationException(request.shardIteratorTypeAsString());
        };
        return GetShardIteratorResponse.builder().shardIterator(shard.id + "/" + position).build();
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        getRecordsCalls.add(request.shardIterator());
        if (streamName == null) {
            throw ResourceNotFoundException.builder().message("Stream not found").build();
        }
        if (throttleNextGetRecords > 0) {
            throttleNextGetRecords--;
            throw ProvisionedThroughputExceededException.builder().message("Rate exceeded").build();
        }
        String[] parts = request.shardIterator().split("/");
        FakeShard shard = shards.get(parts[0]);
        int position = Integer.parseInt(parts[1]);
        int end = Math.min(shard.records.size(), position + request.limit());
        List<Record> page = shard.records.subList(position, end);
        boolean atClosedEnd = shard.closed && end == shard.records.size();
        return GetRecordsResponse.builder().records(List.copyOf(page))
                .millisBehindLatest(end == shard.records.size() ? 0L : 1000L)
                .nextShardIterator(atClosedEnd ? null : shard.id + "/" + end)
                .childShards(atClosedEnd ? shard.children.stream().map(c -> ChildShard.builder().shardId(c)
                        .parentShards(shard.id).build()).toList() : null)
                .build();
    }

    private static int indexOf(FakeShard shard, String sequenceNumber) {
        for (int i = 0; i < shard.records.size(); i++) {
            if (shard.records.get(i).sequenceNumber().equals(sequenceNumber)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no such sequence number " + sequenceNumber);
    }

    private void requireStream(String name) {
        if (streamName == null || !streamName.equals(name)) {
            throw ResourceNotFoundException.builder().message("Stream " + name + " not found").build();
        }
    }

    /** Answers as an endpoint without enhanced fan-out does. */
    @Override
    public software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerResponse describeStreamConsumer(
            software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerRequest request) {
        throw unknownOperation("DescribeStreamConsumer");
    }

    private static software.amazon.awssdk.services.kinesis.model.KinesisException unknownOperation(String operation) {
        return (software.amazon.awssdk.services.kinesis.model.KinesisException) software.amazon.awssdk.services.kinesis.model.KinesisException.builder()
                .statusCode(400).message(operation + " is not supported")
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode("UnknownOperationException").errorMessage(operation + " is not supported").build())
                .build();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
    }
}

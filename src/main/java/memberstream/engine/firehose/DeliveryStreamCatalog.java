package memberstream.engine.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The delivery streams' definitions, one JSON file each: {@code <firehose dir>/streams/<name>.json}
 * holding name, ARN, type, version, timestamps, source and destination configuration (defaults filled
 * in), tags and encryption status; and {@code <name>.positions} holding how far a
 * KinesisStreamAsSource stream has read its Kinesis stream (shard id to last sequence number taken).
 * Files are replaced atomically (temp file, fsync, rename), so a crash leaves the old or the new
 * version, never half of one. Thread-safe: each call is independent; callers serialise changes to
 * one stream.
 */
final class DeliveryStreamCatalog {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One delivery stream's configuration. Immutable; changes make a new one. */
    record Definition(String name, String arn, String type, long version, long createdMillis, long updatedMillis,
                      String incarnation, boolean extended, ObjectNode source, ObjectNode destination,
                      Map<String, String> tags, boolean encrypted) {

        Definition {
            tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        }

        Definition withDestination(ObjectNode newDestination, long now) {
            return new Definition(name, arn, type, version + 1, createdMillis, now, incarnation, extended, source,
                    newDestination, tags, encrypted);
        }

        Definition withTags(Map<String, String> newTags) {
            return new Definition(name, arn, type, version, createdMillis, updatedMillis, incarnation, extended, source,
                    destination, newTags, encrypted);
        }

        Definition withEncryption(boolean on) {
            return new Definition(name, arn, type, version, createdMillis, updatedMillis, incarnation, extended, source,
                    destination, tags, on);
        }

        boolean kinesisSource() {
            return "KinesisStreamAsSource".equals(type);
        }
    }

    private final Path directory;

    DeliveryStreamCatalog(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + directory, e);
        }
    }

    List<Definition> loadAll() {
        List<Definition> definitions = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(".json")) {
                    definitions.add(read((ObjectNode) JSON.readTree(file.toFile())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the delivery streams in " + directory, e);
        }
        return definitions;
    }

    void save(Definition definition) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", definition.name());
        node.put("arn", definition.arn());
        node.put("type", definition.type());
        node.put("version", definition.version());
        node.put("createdMillis", definition.createdMillis());
        node.put("updatedMillis", definition.updatedMillis());
        node.put("incarnation", definition.incarnation());
        node.put("extended", definition.extended());
        node.put("encrypted", definition.encrypted());
        if (definition.source() != null) {
            node.set("source", definition.source());
        }
        node.set("destination", definition.destination());
        ArrayNode tags = node.putArray("tags");
        definition.tags().forEach((key, value) -> tags.addObject().put("Key", key).put("Value", value));
        writeAtomically(directory.resolve(definition.name() + ".json"), node);
    }

    void delete(String name) {
        try {
            Files.deleteIfExists(directory.resolve(name + ".json"));
            Files.deleteIfExists(directory.resolve(name + ".positions"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shard id to the sequence number of the last record taken from it. */
    Map<String, String> loadSourcePositions(String name) {
        Path file = directory.resolve(name + ".positions");
        Map<String, String> positions = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return positions;
        }
        try {
            JSON.readTree(file.toFile()).fields().forEachRemaining(field -> positions.put(field.getKey(), field.getValue().asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return positions;
    }

    void saveSourcePositions(String name, Map<String, String> positions) {
        ObjectNode node = JSON.createObjectNode();
        positions.forEach(node::put);
        writeAtomically(directory.resolve(name + ".positions"), node);
    }

    private static Definition read(ObjectNode node) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonNode tag : node.path("tags")) {
            tags.put(tag.path("Key").asText(), tag.path("Value").asText());
        }
        JsonNode source = node.get("source");
        return new Definition(node.path("name").asText(), node.path("arn").asText(), node.path("type").asText(),
                node.path("version").asLong(), node.path("createdMillis").asLong(), node.path("updatedMillis").asLong(),
                node.path("incarnation").asText(), node.path("extended").asBoolean(),
                source == null || source.isNull() ? null : (ObjectNode) source, (ObjectNode) node.get("destination"), tags,
                node.path("encrypted").asBoolean(false));
    }

    private void writeAtomically(Path file, JsonNode node) {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}

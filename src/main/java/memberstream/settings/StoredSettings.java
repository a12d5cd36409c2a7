package memberstream.settings;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** The single settings row (id 1, created by the migration). */
@Entity
@Table(name = "settings")
class StoredSettings {

    static final short ID = 1;

    @Id
    private Short id;

    @Column(name = "is_firehose", nullable = false)
    private boolean firehose;

    @Column(name = "kinesis_stream_name", nullable = false, length = 128)
    private String kinesisStreamName;

    @Column(name = "firehose_delivery_stream_name", nullable = false, length = 128)
    private String firehoseDeliveryStreamName;

    @Column(name = "updated_by", length = 64)
    private String updatedBy;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Version
    private long version;

    protected StoredSettings() {
    }

    long version() {
        return version;
    }

    void apply(SettingsUpdate update, String by, Instant at) {
        this.firehose = update.firehose();
        this.kinesisStreamName = update.kinesisStreamName();
        this.firehoseDeliveryStreamName = update.firehoseDeliveryStreamName();
        this.updatedBy = by;
        this.updatedAt = at;
    }

    Settings snapshot() {
        return new Settings(firehose, kinesisStreamName, firehoseDeliveryStreamName, updatedBy, updatedAt, version);
    }
}

package memberstream.member.importing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The {@code member_imports} table (V70, the heartbeat V75). Plain SQL: the rows are counters advanced by one statement
 * each, inside the transaction of the batch they count. Stateless; any thread.
 */
@Component
class ImportJobStore {

    private static final String COLUMNS = """
            id, status, file_name, total_rows, refused_rows, to_save, saved, skipped, cancel_requested,
            created_by, created_at, updated_at, finished_at, message""";

    private static final RowMapper<ImportJob> JOB = ImportJobStore::job;

    private final JdbcTemplate jdbc;

    ImportJobStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A RUNNING job; fails with DuplicateKeyException while another one runs. */
    long insertRunning(ImportCheck check, String actor, String instanceId, Instant now) {
        Long id = jdbc.queryForObject("""
                insert into member_imports (status, file_name, total_rows, refused_rows, to_save, instance_id,
                    created_by, created_at, updated_at, heartbeat_at)
                values ('RUNNING', ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id""", Long.class,
                truncate(check.fileName(), 255), check.totalRows(), check.refused(), check.valid(),
                truncate(instanceId, 128), truncate(actor, 64), Timestamp.from(now), Timestamp.from(now),
                Timestamp.from(now));
        return id == null ? -1 : id;
    }

    Optional<ImportJob> find(long id) {
        return jdbc.query("select " + COLUMNS + " from member_imports where id = ?", JOB, id).stream().findFirst();
    }

    Optional<ImportJob> newest() {
        return jdbc.query("select " + COLUMNS + " from member_imports order by created_at desc, id desc limit 1", JOB)
                .stream().findFirst();
    }

    Optional<ImportJob> running() {
        return jdbc.query("select " + COLUMNS + " from member_imports where status = 'RUNNING'", JOB)
                .stream().findFirst();
    }

    /** Locks the job's row for the batch's transaction; true if it should go on (not cancelled). */
    boolean lockForBatch(long id) {
        List<Boolean> cancel = jdbc.queryForList(
                "select cancel_requested from member_imports where id = ? and status = 'RUNNING' for update",
                Boolean.class, id);
        return !cancel.isEmpty() && !cancel.get(0);
    }

    void counted(long id, int saved, int skipped, Instant now) {
        jdbc.update("""
                update member_imports set saved = saved + ?, skipped = skipped + ?, updated_at = ?, heartbeat_at = ?
                where id = ?""", saved, skipped, Timestamp.from(now), Timestamp.from(now), id);
    }

    /** Renews the heartbeat of these RUNNING jobs (the ones this console runs). */
    void heartbeat(Collection<Long> ids, Instant now) {
        if (!ids.isEmpty()) {
            jdbc.update("update member_imports set heartbeat_at = ? where status = 'RUNNING' and id = any(?)",
                    Timestamp.from(now), ids.toArray(Long[]::new));
        }
    }

    boolean requestCancel(long id, Instant now) {
        return jdbc.update("""
                update member_imports set cancel_requested = true, updated_at = ?
                where id = ? and status = 'RUNNING'""", Timestamp.from(now), id) > 0;
    }

    void finish(long id, ImportStatus status, String message, Instant now) {
        jdbc.update("""
                update member_imports set status = ?, message = ?, finished_at = ?, updated_at = ?
                where id = ? and status = 'RUNNING'""",
                status.name(), truncate(message, 2000), Timestamp.from(now), Timestamp.from(now), id);
    }

    /** Marks this console's RUNNING jobs INTERRUPTED (they lost their thread); returns how many. */
    int interruptRunning(String instanceId, Instant now) {
        return jdbc.update("""
                update member_imports set status = 'INTERRUPTED', finished_at = ?, updated_at = ?,
                    message = 'The console stopped during the import; ' || saved || ' of ' || to_save
                        || ' members had been saved. Import the rest again: rows already saved are refused as duplicates.'
                where status = 'RUNNING' and instance_id = ?""", Timestamp.from(now), Timestamp.from(now),
                truncate(instanceId, 128));
    }

    /**
     * Marks INTERRUPTED the RUNNING jobs whose heartbeat is older than {@code staleBefore}, whichever
     * console started them, except {@code alive} (jobs this console runs, however late its heartbeat);
     * returns how many. A batch holding the job's row waits this out and is then judged by its new heartbeat.
     */
    int interruptStale(Instant staleBefore, Collection<Long> alive, Instant now) {
        return jdbc.update("""
                update member_imports set status = 'INTERRUPTED', finished_at = ?, updated_at = ?,
                    message = 'The console running the import stopped (no sign of life since '
                        || to_char(heartbeat_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC); ' || saved
                        || ' of ' || to_save || ' members had been saved.'
                        || ' Import the rest again: rows already saved are refused as duplicates.'
                where status = 'RUNNING' and heartbeat_at < ? and not (id = any(?))""",
                Timestamp.from(now), Timestamp.from(now), Timestamp.from(staleBefore), alive.toArray(Long[]::new));
    }

    private static ImportJob job(ResultSet rs, int row) throws SQLException {
        return new ImportJob(rs.getLong("id"), ImportStatus.valueOf(rs.getString("status")), rs.getString("file_name"),
                rs.getInt("total_rows"), rs.getInt("refused_rows"), rs.getInt("to_save"), rs.getInt("saved"),
                rs.getInt("skipped"), rs.getBoolean("cancel_requested"), rs.getString("created_by"),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "finished_at"),
                rs.getString("message"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}

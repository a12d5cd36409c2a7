-- Each console's live tail keeps its own read positions (memberstream.instance-id): consoles sharing
-- one database never read or move one another's. Rows from before this belonged to a console whose id
-- was not recorded; they are dropped (that console's tail starts again from its default position).
delete from live_checkpoint;
alter table live_checkpoint add column instance_id varchar(128) not null;
alter table live_checkpoint drop constraint live_checkpoint_stream_shard;
alter table live_checkpoint add constraint live_checkpoint_instance_stream_shard
    unique (instance_id, stream_name, shard_id);

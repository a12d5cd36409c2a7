-- A heartbeat for running imports (member.importing). The console running a job renews heartbeat_at
-- every few seconds (and with every saved batch); any console marks a RUNNING job INTERRUPTED once its
-- heartbeat is older than memberstream.import.stale-after. Until now only the console with the same
-- instance id did, at its next start: a console restarted on another port (a new default instance id)
-- never did, and its dead job blocked every further import. Rows from before this column are judged
-- by updated_at.
alter table member_imports add column heartbeat_at timestamp(6) with time zone;
update member_imports set heartbeat_at = updated_at;
alter table member_imports alter column heartbeat_at set not null;
alter table member_imports alter column heartbeat_at set default current_timestamp;

-- The event log: one row per event the console forwards (member and settings changes). The row is
-- written PENDING in the transaction that made the change and updated as the sink answers. Delivery
-- itself is guaranteed by Spring Modulith's event_publication registry (V1); this table is what the
-- Event log view and the pending count read.
create table forwarded_events (
    event_id        uuid          primary key,
    event_type      varchar(64)   not null,
    subject         varchar(64)   not null,
    occurred_at     timestamp(6) with time zone not null,
    actor           varchar(64),
    status          varchar(16)   not null check (status in ('PENDING', 'DELIVERED', 'FAILED')),
    sink            varchar(16)   check (sink in ('KINESIS', 'FIREHOSE')),
    destination     varchar(128),
    attempts        integer       not null default 0,
    last_error      varchar(1000),
    shard_id        varchar(64),
    sequence_number varchar(130),
    record_id       varchar(1024),
    delivered_at    timestamp(6) with time zone,
    updated_at      timestamp(6) with time zone not null,
    version         bigint        not null default 0
);

-- The view's default order (newest first) and its status filter; the pending count reads the second.
create index forwarded_events_recent_idx on forwarded_events (occurred_at desc, event_id);
create index forwarded_events_status_idx on forwarded_events (status, occurred_at desc);

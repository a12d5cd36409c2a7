-- The console's settings: one row (id = 1), read for every forwarded member event.
create table settings (
    id                            smallint     primary key check (id = 1),
    is_firehose                   boolean      not null,
    kinesis_stream_name           varchar(128) not null,
    firehose_delivery_stream_name varchar(128) not null,
    updated_by                    varchar(64),
    updated_at                    timestamp with time zone,
    version                       bigint       not null default 0
);
insert into settings (id, is_firehose, kinesis_stream_name, firehose_delivery_stream_name)
values (1, false, 'members', 'members-delivery');

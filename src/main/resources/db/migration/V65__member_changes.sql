-- A member's history: what each change did, field by field, kept after the event was delivered (the
-- event_publication row holding the payload is deleted then). One row per MemberChanged, written in
-- the change's own transaction by forwarding.MemberHistory; where the event went is read from
-- forwarded_events by the same event_id.
-- changes: JSON object, field name to {"before": text or null, "after": text or null}.
create table member_changes (
    event_id    uuid        primary key,
    member_id   bigint      not null,
    change_type varchar(16) not null check (change_type in ('CREATED', 'UPDATED', 'DELETED')),
    version     bigint      not null,
    occurred_at timestamp(6) with time zone not null,
    actor       text,
    changes     text        not null
);

-- A member's history, newest first; stays after the member is deleted (no foreign key on purpose).
create index member_changes_member_idx on member_changes (member_id, version desc);

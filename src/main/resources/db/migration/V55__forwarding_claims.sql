-- Several consoles on one database (see forwarding.PublicationClaims for the protocol).
-- sequence:    the event's place in its subject's order (the member's version, the settings' version);
--              an event is sent only after every earlier undelivered event of its subject.
-- claimed_by:  the instance (memberstream.instance-id) that may send the event until claim_until;
--              taken in the change's own transaction, or later by compare-and-set once free or expired.
-- sent_by:     the instance whose send the sink acknowledged (the event log's "which instance sent what").
-- sink and destination are now set when the row is written: the settings as of the event's transaction.
alter table forwarded_events
    add column sequence    bigint,
    add column claimed_by  varchar(128),
    add column claim_until timestamp(6) with time zone,
    add column sent_by     varchar(128);

-- The per-subject order check reads only undelivered rows: a small partial index.
create index forwarded_events_undelivered_subject_idx on forwarded_events (subject, sequence)
    where status <> 'DELIVERED';

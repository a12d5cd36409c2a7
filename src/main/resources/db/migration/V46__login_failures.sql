-- Failed (or not yet finished) login attempts per user name and per client address, shared by every
-- console on this database. A row exists only while a subject has recent failures: a successful
-- login deletes it, an admin may delete it (lifting a lockout), and old rows are swept.
create table login_failures (
    kind            varchar(16) not null check (kind in ('USERNAME', 'ADDRESS')),
    -- the lower-cased user name, or the client's IP address as the servlet container saw it
    subject         varchar(64) not null,
    failures        integer     not null,
    last_failure_at timestamp with time zone not null,
    -- no attempt is checked before this time (a delay, or a lockout once failures reach its threshold)
    blocked_until   timestamp with time zone,
    primary key (kind, subject)
);
create index login_failures_blocked on login_failures (blocked_until);

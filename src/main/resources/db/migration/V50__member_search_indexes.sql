-- Indexes that keep the members list as fast at a million rows as at a thousand (issue 13).
--
-- Search is a substring match, lower(full_name) or lower(email) LIKE '%fragment%' (MemberPageQueries),
-- which no b-tree can serve. pg_trgm's GIN operator class can: it indexes every three-letter piece of
-- the lowered text, and LIKE with a fragment of three letters or more is answered from the index.
-- pg_trgm ships with PostgreSQL (the embedded zonky binaries carry it) and is a trusted extension
-- since PostgreSQL 13, so a database owner may create it without being superuser. Where it cannot be
-- created (no contrib package, or no CREATE right on the database), the migration still succeeds:
-- search then scans the table, and the README says how an administrator adds the indexes later.
do $$
begin
    create extension if not exists pg_trgm;
exception
    when insufficient_privilege or undefined_file or feature_not_supported or undefined_object then
        raise warning 'pg_trgm could not be created (%); member search will scan the table. '
            'See the README, "Search at scale", for the two statements to run later.', sqlerrm;
end
$$;

do $$
begin
    if exists (select 1 from pg_extension where extname = 'pg_trgm') then
        execute 'create index members_full_name_trgm_idx on members using gin (lower(full_name) gin_trgm_ops)';
        execute 'create index members_email_trgm_idx on members using gin (lower(email) gin_trgm_ops)';
    end if;
end
$$;

-- One b-tree a sortable column, ending in id: every list orders by (column, id) in one direction, so
-- a page, sorted either way, is read off the index, and the next page seeks to (last value, last id).
-- full_name has members_full_name_idx (V2); id has the primary key.
create index members_email_idx on members (email, id);
create index members_role_idx on members (role, id);
create index members_status_idx on members (status, id);
create index members_joined_on_idx on members (joined_on, id);
create index members_created_at_idx on members (created_at, id);
create index members_updated_at_idx on members (updated_at, id);

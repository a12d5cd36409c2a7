-- The word tails of the members (issue 13): a search for a fragment that spans a separator ("zoe.kim.",
-- "eriksen.12345", "ada okafor") finds its matches by a prefix range of a b-tree, reading about as many index
-- entries as there are matches, instead of the trigram posting lists (which grow with the table) and one row
-- of members a match. MemberWordTails decides which searches, MemberSql.pageAmongTails reads them.
--
-- Storage format. A word tail is the rest of lower(full_name) or lower(email) from the start of one of its
-- words on, for every word of three characters or more that a separator follows (words and separators as in
-- V90: a separator is an ASCII character other than a-z and 0-9). So "Zoë O'Brien 12" <zoe.obrien.12@lab.test>
-- has the tails "zoë o'brien 12", "brien 12", "zoe.obrien.12@lab.test", "obrien.12@lab.test", "lab.test".
-- A fragment that starts with a piece of three or more word characters and then a separator ("zoe" + ".kim.")
-- occurs in a text exactly when a word ending with that piece ("zoe", found in member_word_list) starts a tail
-- that begins with that word and the rest of the fragment: the range ['zoe.kim.', 'zoe.kim/') of the index.
--
-- member_word_tails: one row per (tail, member), with the member's full_name (same type and collation as
--   members.full_name, so that a few hundred matches sort by name without reading members) and id. Compared
--   byte-wise (collate "C"): a prefix of UTF-8 text is then a range.
--
-- Kept by the triggers below in the same transaction as every insert, update and delete of a member, as V90
-- keeps member_words; inserts per statement.

create function member_word_tails_of(full_name text, email text) returns setof text
    language sql stable parallel safe as $$
    select distinct tail
    from (
        -- Each text cut before every word that follows a separator: a chunk is a word and the separators after it.
        select chunk, substr(whole, 1 + coalesce(sum(length(chunk)) over (
                   partition by k order by n rows between unbounded preceding and 1 preceding), 0)::int) as tail
        from unnest(array[lower(full_name), lower(email)]) with ordinality texts (whole, k)
        cross join lateral regexp_split_to_table(whole,
            '(?<=[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f])(?=[^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f])')
            with ordinality chunks (chunk, n)
    ) cut
    where chunk ~ '^[^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]{3,}[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]'
$$;

create table member_word_tails (
    tail      text collate "C" not null,
    full_name varchar(120)     not null,
    member_id bigint           not null
);

-- The members there already (an upgrade): filled before the index is built, which is faster.
insert into member_word_tails (tail, full_name, member_id)
select t, m.full_name, m.id from members m cross join lateral member_word_tails_of(m.full_name, m.email) t;

alter table member_word_tails add constraint member_word_tails_pkey primary key (tail, full_name, member_id);

analyze member_word_tails;

create function member_word_tails_inserted() returns trigger language plpgsql as $$
begin
    insert into member_word_tails (tail, full_name, member_id)
    select t, n.full_name, n.id from new_members n cross join lateral member_word_tails_of(n.full_name, n.email) t;
    return null;
end
$$;

create function member_word_tails_changed() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from member_word_tails
        where tail in (select member_word_tails_of(old.full_name, old.email))
          and full_name = old.full_name and member_id = old.id;
    end if;
    if tg_op = 'UPDATE' then
        insert into member_word_tails (tail, full_name, member_id)
        select t, new.full_name, new.id from member_word_tails_of(new.full_name, new.email) t;
    end if;
    return null;
end
$$;

create function member_word_tails_truncated() returns trigger language plpgsql as $$
begin
    truncate member_word_tails;
    return null;
end
$$;

create trigger member_word_tails_insert after insert on members
    referencing new table as new_members for each statement execute function member_word_tails_inserted();
create trigger member_word_tails_update after update on members
    for each row when (old.full_name is distinct from new.full_name or old.email is distinct from new.email
                       or old.id is distinct from new.id)
    execute function member_word_tails_changed();
create trigger member_word_tails_delete after delete on members
    for each row execute function member_word_tails_changed();
create trigger member_word_tails_truncate after truncate on members
    for each statement execute function member_word_tails_truncated();

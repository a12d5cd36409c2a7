-- A word index of the members, ordered by the name sort (issue 13): a search for a fragment of one word
-- ("okafor", "bergstr", "afor") takes its page in name order by seeking, for each word that contains the
-- fragment, that word's members from the cursor on, and merging them (MemberSql.pageByWords). The cost
-- follows the page, not the table, also where the matches sit far down the order (every "Ada Okafor"
-- comes after "Ada Abara"), which the sort index alone cannot serve.
--
-- Storage format. A member's words are the pieces of lower(full_name) and lower(email) between
-- separators, a separator being any ASCII character other than a-z and 0-9 (space, . @ - _ + ' ...;
-- letters outside ASCII, such as é, are word characters), of three characters or more: a search of
-- fewer than three characters is never answered from here. So "Zoë O'Brien 12" <zoe.obrien.12@lab.test>
-- has the words zoë, brien, zoe, obrien, lab, test. MemberWords.isWordFragment applies the same rule to
-- a search: a fragment without separators found in a name or an email lies inside one word, so the
-- words containing it find every match, and only those.
--
-- member_words: one row per (word, member), with the member's full_name (the sort key, same type and
--   collation as members.full_name) and id; the b-tree (word, full_name, member_id) gives one word's
--   members in name order, either way, from any cursor.
-- member_word_list: every word that occurs (words no member uses any more may stay: their seek finds
--   nothing), with a trigram index to find the words that contain a fragment anywhere.
-- Words are compared byte-wise (collate "C"): they are matched with LIKE and equality only.
--
-- Both are kept by the triggers below, in the same transaction as every insert, update and delete of a
-- member, whatever the path (JPA saves, the import's multi-row INSERT, SQL by hand). Inserts are handled
-- per statement (one pass over an import batch); new words are added to member_word_list in word order,
-- so that two transactions adding the same new words wait for each other in the same order (no deadlock).

create function member_words_of(full_name text, email text) returns setof text
    language sql stable parallel safe as $$
    select distinct w
    from regexp_split_to_table(lower(full_name) || ' ' || lower(email), '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+') w
    where length(w) >= 3
$$;

create table member_words (
    word      text collate "C" not null,
    full_name varchar(120)     not null,
    member_id bigint           not null
);

create table member_word_list (
    word text collate "C" not null
);

-- The members there already (an upgrade): filled before the indexes are built, which is faster.
insert into member_words (word, full_name, member_id)
select w, m.full_name, m.id from members m cross join lateral member_words_of(m.full_name, m.email) w;

insert into member_word_list (word) select distinct word from member_words;

alter table member_words add constraint member_words_pkey primary key (word, full_name, member_id);
alter table member_word_list add constraint member_word_list_pkey primary key (word);

do $$
begin
    if exists (select 1 from pg_extension where extname = 'pg_trgm') then
        execute 'create index member_word_list_trgm_idx on member_word_list using gin (word gin_trgm_ops)';
    end if;
end
$$;

-- A word's share of the rows, as the planner estimates it, should be right for every common word: a
-- thousand most common values (first names, surnames, domains) instead of a hundred, as V77 does for the
-- names. MemberService also turns bitmap scans off for the word path, so a misjudged word is still read
-- in order, never all of it and sorted.
alter table member_words alter column word set statistics 1000;

-- Statistics now, not at the next automatic ANALYZE: without them the planner guesses how many members a
-- word has and may sort them all instead of reading the page off the index. ANALYZE samples 300,000 rows,
-- a few seconds at any size.
analyze member_words;
analyze member_word_list;

create function member_words_inserted() returns trigger language plpgsql as $$
begin
    with words as materialized (
        select w as word, n.full_name, n.id
        from new_members n cross join lateral member_words_of(n.full_name, n.email) w
    ), listed as (
        insert into member_word_list (word)
        select distinct word from words order by word
        on conflict do nothing
    )
    insert into member_words (word, full_name, member_id) select word, full_name, id from words;
    return null;
end
$$;

create function member_words_changed() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from member_words
        where word in (select member_words_of(old.full_name, old.email))
          and full_name = old.full_name and member_id = old.id;
    end if;
    if tg_op = 'UPDATE' then
        insert into member_word_list (word)
        select w from member_words_of(new.full_name, new.email) w order by w
        on conflict do nothing;
        insert into member_words (word, full_name, member_id)
        select w, new.full_name, new.id from member_words_of(new.full_name, new.email) w;
    end if;
    return null;
end
$$;

create function member_words_truncated() returns trigger language plpgsql as $$
begin
    truncate member_words;
    return null;
end
$$;

create trigger member_words_insert after insert on members
    referencing new table as new_members for each statement execute function member_words_inserted();
create trigger member_words_update after update on members
    for each row when (old.full_name is distinct from new.full_name or old.email is distinct from new.email
                       or old.id is distinct from new.id)
    execute function member_words_changed();
create trigger member_words_delete after delete on members
    for each row execute function member_words_changed();
create trigger member_words_truncate after truncate on members
    for each statement execute function member_words_truncated();

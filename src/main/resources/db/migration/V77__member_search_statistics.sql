-- How many members a search fragment matches, as the planner estimates it (issue 13). MemberService
-- reads that estimate to choose the order of a search's steps: a fragment expected to match many is
-- looked for by walking the sort index first, one expected to match few through the trigram indexes.
-- PostgreSQL estimates lower(col) LIKE '%fragment%' by trying the pattern on the histogram ANALYZE keeps
-- for the indexed expression: 100 entries by default, so a surname one member in 64 bears is missing
-- from it about one time in five and estimated as rare. A thousand entries find it; ANALYZE then samples
-- 300,000 rows instead of 30,000, and planning a search tries the pattern on 1,000 values (microseconds).
do $$
begin
    if exists (select 1 from pg_indexes where indexname = 'members_full_name_trgm_idx') then
        execute 'alter index members_full_name_trgm_idx alter column 1 set statistics 1000';
    end if;
    if exists (select 1 from pg_indexes where indexname = 'members_email_trgm_idx') then
        execute 'alter index members_email_trgm_idx alter column 1 set statistics 1000';
    end if;
end
$$;
-- No ANALYZE here: at a million members it takes half a minute, and this runs at start-up. The next
-- automatic ANALYZE (after a tenth of the rows changed) or an administrator's uses the new size; until
-- then a misjudged search only takes its steps in the other order, at the same bounded cost.

-- position_terms_new(since)
-- Answers: what language did a government start using on a topic on or after `since`?
-- Grain: one row per government x topic x term x kind, newest first.
create or replace macro position_terms_new(since) as table
with
terms as (select * from position_terms),
final as (
    select *
    from terms
    where timezone('UTC', first_seen)::date >= since::date
)
select * from final
order by first_seen desc, government, topic, term;

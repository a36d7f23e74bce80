-- position_terms_dropped(as_of [, window_days, min_mentions])
-- Answers: what language did a government stop using on a topic? Terms used at least `min_mentions` times, then
-- absent for the last `window_days` before `as_of` although the government kept speaking on the topic.
-- Grain: one row per government x topic x term x kind, most used first.
create or replace macro position_terms_dropped(as_of, window_days := 90, min_mentions := 2) as table
with
stated as (
    select * from position_statements where timezone('UTC', stated_at)::date <= as_of::date
),
statement_terms_ as (select * from statement_terms),
terms as (
    select
        s.government,
        s.topic,
        t.term,
        t.kind,
        min(s.stated_at) as first_seen,
        max(s.stated_at) as last_seen,
        sum(t.mentions)::integer as mentions,
        count(distinct s.statement_id)::integer as statements,
    from stated as s
    join statement_terms_ as t on t.statement_id = s.statement_id
    group by all
),
activity as (
    select government, topic, max(stated_at) as last_statement_at
    from stated
    group by all
),
final as (
    select t.*, a.last_statement_at
    from terms as t
    join activity as a using (government, topic)
    where t.mentions >= min_mentions
      and timezone('UTC', t.last_seen)::date < as_of::date - window_days::integer
      and timezone('UTC', a.last_statement_at)::date >= as_of::date - window_days::integer
)
select * from final
order by mentions desc, government, topic, term;

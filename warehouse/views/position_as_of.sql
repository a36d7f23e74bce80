-- position_as_of(gov, topic_id, as_of [, method_name])
-- Answers: what was this government's stated position on this topic as of a date?
-- Grain: one row per statement made on or before `as_of` that no later statement (up to `as_of`) shifted away
-- from or reversed; with the point it makes, how often it was reiterated by then, and for a shift or reversal
-- the earlier statement and what changed. Newest first. A shift or reversal supersedes the statement it changed
-- (the position of its point) and every statement linked to that one by reiterations before the change.
create or replace macro position_as_of(gov, topic_id, as_of, method_name := 'minilm-onnx') as table
with recursive
changes as (
    select * from position_changes
    where government = gov and topic = topic_id and method = method_name
      and timezone('UTC', stated_at)::date <= as_of::date
),
same_position as (
    select statement_id as a, nearest_statement_id as b from changes where label = 'reiteration'
    union all
    select nearest_statement_id as a, statement_id as b from changes where label = 'reiteration'
),
superseded(statement_id, superseded_at) as (
    select nearest_statement_id, stated_at from changes where label in ('shift', 'reversal')
    union
    select p.b, s.superseded_at
    from superseded as s
    join same_position as p on p.a = s.statement_id
    -- only statements made before the change that superseded them
    join changes as c on c.statement_id = p.b and c.stated_at <= s.superseded_at
),
reiterated as (
    select nearest_statement_id as statement_id, count(*) as reiterations, max(stated_at) as last_reiterated_at
    from changes
    where label = 'reiteration'
    group by all
),
final as (
    select
        c.stated_at,
        c.label,
        c.speaker,
        c.content,
        coalesce(r.reiterations, 0) as reiterations,
        r.last_reiterated_at,
        c.url,
        c.statement_id,
        c.claim_id,
        c.point_id,
        c.nearest_statement_id,
        c.change,
        c.earlier_stated_at,
        c.earlier_content,
        c.earlier_url,
    from changes as c
    left join reiterated as r on r.statement_id = c.statement_id
    where c.statement_id not in (select statement_id from superseded where statement_id is not null)
)
select * from final
order by stated_at desc, statement_id;

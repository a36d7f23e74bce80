-- position_timeline_since(since_day)
-- Answers: how much has a government said on a topic per day / week / month since a day (NULL: ever), reported
-- by how many outlets, what were its most reported statements and who spoke?
-- Grain: one row per government x topic x grain (day | week | month) x period_start, for periods holding a
-- statement made on or after `since_day` (UTC); a period that contains `since_day` counts only those statements.
-- Statement counts are de-duplicated (a wire story printed by five outlets is one statement, five reports).
--
-- `claimtrack positions` / `report --since D` list the statements made on or after the UTC day D, and their
-- timeline counts exactly those: filtering whole periods on `period_start >= D` would drop the week or month
-- that contains D (it starts before D) although its statements from D on are listed.
create or replace macro position_timeline_since(since_day) as table
with
stated as (
    select * from position_statements
    where since_day is null or timezone('UTC', stated_at)::date >= since_day::date
),
reports as (select statement_id, outlet from statement_reports),
grains as (select unnest(['day', 'week', 'month']) as grain),
bucketed as (
    select
        g.grain,
        date_trunc(g.grain, timezone('UTC', s.stated_at))::date as period_start,
        s.*,
    from stated as s
    cross join grains as g
),
speakers as (
    select grain, government, topic, period_start, coalesce(speaker_canonical, '(unnamed)') as speaker,
           count(*) as n
    from bucketed
    group by all
),
leaders as (
    select grain, government, topic, period_start,
           list(speaker || ' (' || n || ')' order by n desc, speaker)[1:3] as leading_speakers,
    from speakers
    group by all
),
outlets as (
    select b.grain, b.government, b.topic, b.period_start, count(distinct r.outlet) as outlets,
           count(*) as reports,
    from bucketed as b
    join reports as r on r.statement_id = b.statement_id
    group by all
),
counts as (
    select
        grain,
        government,
        topic,
        period_start,
        count(*) as statements,
        list(content order by reports desc, stated_at, statement_id)[1:3] as representative_statements,
        list(statement_id order by reports desc, stated_at, statement_id)[1:3] as representative_statement_ids,
        min(stated_at) as first_stated_at,
        max(stated_at) as last_stated_at,
    from bucketed
    group by all
),
final as (
    select
        c.grain,
        c.government,
        c.topic,
        c.period_start,
        c.statements,
        o.reports,
        o.outlets,
        l.leading_speakers,
        c.representative_statements,
        c.representative_statement_ids,
        c.first_stated_at,
        c.last_stated_at,
    from counts as c
    join outlets as o using (grain, government, topic, period_start)
    join leaders as l using (grain, government, topic, period_start)
)
select * from final;

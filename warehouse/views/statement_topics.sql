-- statement_topics
-- Answers: which topics is each statement about, and how was that decided? (a statement is about every topic any
-- of its reports is; `how` and `score` are those of its best-decided report: its own words over similarity over
-- the article, then the highest score)
-- Grain: one row per statement x topic.
create or replace view statement_topics as
with
links as (select * from claim_statements),
topics as (select * from claim_topics),
final as (
    select
        l.statement_id,
        t.topic,
        min(t.term) as term,
        first(t.how order by list_position(['term', 'similarity', 'article'], t.how), t.score desc) as how,
        first(t.score order by list_position(['term', 'similarity', 'article'], t.how), t.score desc) as score,
    from links as l
    join topics as t on t.claim_id = l.claim_id
    group by all
)
select * from final;

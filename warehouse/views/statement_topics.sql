-- statement_topics
-- Answers: which topics is each statement about? (a statement is about every topic any of its reports is)
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
    from links as l
    join topics as t on t.claim_id = l.claim_id
    group by all
)
select * from final;

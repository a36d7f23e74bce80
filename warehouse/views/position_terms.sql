-- position_terms
-- Answers: what language does a government use on a topic, since when, how often, and where was it first used?
-- Grain: one row per government x topic x term x kind (lemma | noun_chunk).
create or replace view position_terms as
with
stated as (select * from position_statements),
terms as (select * from statement_terms),
final as (
    select
        s.government,
        s.topic,
        t.term,
        t.kind,
        min(s.stated_at) as first_seen,
        max(s.stated_at) as last_seen,
        sum(t.mentions)::integer as mentions,
        count(distinct s.statement_id)::integer as statements,
        arg_min(s.statement_id, s.stated_at) as first_statement_id,
        arg_min(s.claim_id, s.stated_at) as first_claim_id,
        arg_min(s.content, s.stated_at) as first_statement,
        arg_min(s.url, s.stated_at) as first_url,
    from stated as s
    join terms as t on t.statement_id = s.statement_id
    group by all
)
select * from final;

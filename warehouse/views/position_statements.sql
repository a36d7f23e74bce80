-- position_statements
-- Answers: what has each government said on each topic, when, and where can I read it?
-- Grain: one row per statement x topic, for statements with a government and a date.
create or replace view position_statements as
with
statements_ as (select * from statements),
topics as (select * from statement_topics),
articles_ as (select article_id, url, outlet, content_sha256 from articles),
final as (
    select
        s.government,
        t.topic,
        s.stated_at,
        s.statement_id,
        s.speaker_canonical,
        s.actor_id,
        s.content,
        s.reports,
        s.outlets,
        s.claim_id,
        a.url,
        a.outlet,
        a.content_sha256,
    from statements_ as s
    join topics as t on t.statement_id = s.statement_id
    join articles_ as a on a.article_id = s.article_id
    where s.government is not null and s.stated_at is not null
)
select * from final;

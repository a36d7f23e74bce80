-- statement_reports
-- Answers: which outlets reported this statement, where exactly (URL, title, raw page, offsets)?
-- Grain: one row per report (current claim) of a statement.
create or replace view statement_reports as
with
claims_ as (select * from claims),
articles_ as (select * from articles),
final as (
    select
        c.statement_id,
        c.claim_id,
        c.article_id,
        a.outlet,
        a.url,
        a.title,
        a.content_sha256,
        c.published_at,
        c.speaker,
        c.speaker_canonical,
        c.government,
        c.content,
        c.start_char,
        c.end_char,
    from claims_ as c
    join articles_ as a on a.article_id = c.article_id
    where c.statement_id is not null
)
select * from final;

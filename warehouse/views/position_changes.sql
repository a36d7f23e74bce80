-- position_changes
-- Answers: when did a government's stated position on a topic change, how, and on what evidence?
-- Grain: one row per statement x topic x method. Compare methods with `where method = ...`.
-- Every statement belongs to a point (`point_id`: the point's first statement); a shift or reversal names the
-- earlier statement it changes (`earlier_*`, always from an earlier day) and what changed (`change`).
create or replace view position_changes as
with
comparisons as (select * from statement_comparisons),
stated as (select * from position_statements),
final as (
    select
        c.method,
        c.method_version,
        s.government,
        c.topic,
        c.label,
        c.rule,
        c.change,
        c.similarity,
        s.stated_at,
        s.speaker_canonical as speaker,
        s.content,
        s.url,
        p.stated_at as earlier_stated_at,
        p.speaker_canonical as earlier_speaker,
        p.content as earlier_content,
        p.url as earlier_url,
        c.same_day,
        c.point_id,
        c.polarity_changed,
        c.cues,
        c.candidates,
        c.statement_id,
        c.nearest_statement_id,
        s.claim_id,
        p.claim_id as earlier_claim_id,
    from comparisons as c
    join stated as s on s.statement_id = c.statement_id and s.topic = c.topic
    left join stated as p on p.statement_id = c.nearest_statement_id and p.topic = c.topic
)
select * from final;

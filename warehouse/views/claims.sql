-- claims
-- Answers: what does each article say now? The current extraction of each article: the `claim_records` rows of
-- its current text and claims version (every earlier extraction stays in `claim_records`), with the statement
-- each claim reports (`statement_id`, NULL until the first rebuild or post-ingest refresh has grouped the claim).
-- Grain: one row per attributed statement (claim) of an article's current extraction.
create or replace view claims as
with
records as (select * from claim_records),
current_versions as (select article_id, text_sha256, claims_version from articles),
links as (select claim_id, statement_id from claim_statements),
final as (
    select
        r.claim_id,
        r.article_id,
        r.speaker,
        r.speaker_canonical,
        r.government,
        r.kind,
        r.cue,
        r.content,
        r.start_char,
        r.end_char,
        r.published_at,
        r.extractor_version,
        r.speaker_start,
        r.speaker_end,
        r.cue_class,
        r.content_spans,
        r.via,
        r.via_government,
        r.link_evidence,
        r.actor_id,
        r.actor_type,
        r.speaker_resolution,
        r.continues_claim_id,
        r.confidence,
        r.ordinal,
        l.statement_id,
    from records as r
    join current_versions as a
      on a.article_id = r.article_id
     and a.text_sha256 = r.text_sha256
     and a.claims_version = r.extractor_version
    left join links as l on l.claim_id = r.claim_id
)
select * from final;

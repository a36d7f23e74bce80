-- 003_positions: statements (one per statement, however many outlets reported it) and position tracking.
--
-- The *rows* of these tables are derived: `claimtrack rebuild` and the refresh after each ingest
-- (warehouse.positions.replace_derived) delete them and write them again from `claims` + `claim_topics`, in one
-- transaction, so anything written into them by hand is lost on the next refresh. `statement_comparisons` keeps
-- the rows of similarity methods a refresh did not recompute (while both statements exist); `derived_builds`
-- is upserted. The tables themselves are schema, not derived: do not drop them, because no migration or
-- rebuild creates them again (this migration runs once) and the views below read them. The evidence stays in
-- `claim_records` / `articles`. Every derived row reaches back: statement -> claim ids -> article URL ->
-- raw page hash (`articles.content_sha256`) and character offsets (`claims.start_char` / `end_char`).
-- Views follow house style: import CTEs, logic CTEs, `final`; each states the question it answers and its grain.

-- claim_statements: which statement each current claim reports. Grain: one row per claim.
create table claim_statements (
    claim_id varchar primary key,        -- claims.claim_id
    statement_id varchar not null,       -- statements.statement_id
    match_rule varchar not null,         -- why it joined: first | same_text | shingles:<containment>
    dedup_version varchar not null       -- positions.dedup version that grouped it
);

-- statements: one row per statement, however many reports (outlets, rewrites, wire copies) carry it.
create table statements (
    statement_id varchar primary key,    -- first 16 hex chars of sha256 of the first report's claim_id
    claim_id varchar not null,           -- the representative report (earliest, then most confident)
    article_id varchar not null,
    government varchar,                  -- who the speaker speaks for (ISO alpha-3 / X.. code)
    speaker_canonical varchar,
    actor_id varchar,
    content varchar not null,            -- the representative report's words
    stated_at timestamptz,               -- earliest publication time among its reports (NULL if none dated)
    last_reported_at timestamptz,
    reports integer not null,            -- claims that carry it
    outlets integer not null,            -- distinct outlets among them
    dedup_version varchar not null
);

-- statement_features: what the polarity and lexical steps read from a statement (cached by the hash of its words
-- and reporting cue, its government and features_version).
create table statement_features (
    statement_id varchar primary key,
    content_sha256 varchar not null,     -- cache key: sha256 of the reporting cue and statements.content
                                         -- (positions.features.StatementText.features_key; features/1: content only)
    government varchar,
    lemmas varchar[] not null,           -- content lemmas, the government's own names dropped (lexical similarity)
    polarity integer not null,           -- +1 affirmative, -1 negated (parity of negators and negative cues)
    polarity_cues varchar[] not null,    -- the words that decided polarity (auditable)
    modality varchar[] not null,         -- condition | possibility | obligation | future markers present
    features_version varchar not null    -- features/N + model + word-list and seed-file hashes
);

-- statement_terms: key phrases of a statement. Grain: statement x term x kind.
create table statement_terms (
    statement_id varchar not null,
    term varchar not null,               -- lower-cased lemma or noun chunk, own government's names dropped
    kind varchar not null,               -- lemma | noun_chunk
    mentions integer not null,
    primary key (statement_id, term, kind)
);

-- statement_comparisons: each statement vs the same government's earlier statements on the same topic.
-- Grain: statement x topic x method (several similarity methods can be compared on the same rows).
create table statement_comparisons (
    statement_id varchar not null,
    topic varchar not null,
    method varchar not null,             -- lexical | minilm-onnx | ...
    method_version varchar not null,     -- method + thresholds + features version
    nearest_statement_id varchar,        -- most similar earlier statement (NULL when there is none)
    similarity double,                   -- method's score against it (0-1; scales differ between methods)
    label varchar not null,              -- new | reiteration | shift | reversal
    rule varchar not null,               -- which rule fired (first_on_topic, below_new, polarity_flip, ...)
    polarity_changed boolean not null,
    cues varchar,                        -- polarity / modality evidence of both sides, for auditing
    candidates integer not null,         -- earlier statements compared
    computed_at timestamptz not null,
    primary key (statement_id, topic, method)
);

-- derived_builds: when each derived table was last rebuilt, by what, and how long it took.
create table derived_builds (
    name varchar primary key,
    version varchar not null,
    built_at timestamptz not null,
    row_count bigint not null,
    seconds double not null
);

-- claims gains statement_id (NULL until the first rebuild / post-ingest refresh has grouped the claim).
create or replace view claims as
select r.claim_id, r.article_id, r.speaker, r.speaker_canonical, r.government, r.kind, r.cue, r.content,
       r.start_char, r.end_char, r.published_at, r.extractor_version,
       r.speaker_start, r.speaker_end, r.cue_class, r.content_spans, r.via, r.via_government, r.link_evidence,
       r.actor_id, r.actor_type, r.speaker_resolution, r.continues_claim_id, r.confidence, r.ordinal,
       cs.statement_id
from claim_records r
join articles a
  on a.article_id = r.article_id
 and a.text_sha256 = r.text_sha256
 and a.claims_version = r.extractor_version
left join claim_statements cs on cs.claim_id = r.claim_id;

-- statement_reports
-- Answers: which outlets reported this statement, where exactly (URL, raw page, offsets)?
-- Grain: one row per report (current claim) of a statement.
create view statement_reports as
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

-- statement_topics
-- Answers: which topics is each statement about? (a statement is about every topic any of its reports is)
-- Grain: one row per statement x topic.
create view statement_topics as
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

-- position_statements
-- Answers: what has each government said on each topic, when, and where can I read it?
-- Grain: one row per statement x topic, for statements with a government and a date.
create view position_statements as
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

-- position_timeline
-- Answers: how much has a government said on a topic per day / week / month, reported by how many outlets,
-- what were its most reported statements and who spoke?
-- Grain: one row per government x topic x grain (day | week | month) x period_start.
-- Statement counts are de-duplicated (a wire story printed by five outlets is one statement, five reports).
create view position_timeline as
with
stated as (select * from position_statements),
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

-- position_terms
-- Answers: what language does a government use on a topic, since when, how often, and where was it first used?
-- Grain: one row per government x topic x term x kind (lemma | noun_chunk).
create view position_terms as
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

-- position_changes
-- Answers: when did a government's stated position on a topic change, how, and on what evidence?
-- Grain: one row per statement x topic x method. Compare methods with `where method = ...`.
create view position_changes as
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
        c.similarity,
        s.stated_at,
        s.speaker_canonical as speaker,
        s.content,
        s.url,
        p.stated_at as earlier_stated_at,
        p.speaker_canonical as earlier_speaker,
        p.content as earlier_content,
        p.url as earlier_url,
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

-- position_as_of(government, topic, as_of [, method])
-- Answers: what was this government's stated position on this topic as of a date?
-- Grain: one row per statement made on or before `as_of` that no later statement (up to `as_of`) shifted away
-- from or reversed; with how often it was reiterated by then. Newest first. A shift or reversal supersedes
-- the statement it was compared with and every statement linked to that one by reiterations.
create macro position_as_of(gov, topic_id, as_of, method_name := 'lexical') as table
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
    from changes as c
    left join reiterated as r on r.statement_id = c.statement_id
    where c.statement_id not in (select statement_id from superseded where statement_id is not null)
)
select * from final
order by stated_at desc, statement_id;

-- position_terms_new(since): language a government started using on a topic on or after `since`.
-- Grain: government x topic x term x kind.
create macro position_terms_new(since) as table
select * from position_terms where timezone('UTC', first_seen)::date >= since::date
order by first_seen desc, government, topic, term;

-- position_terms_dropped(as_of [, window_days, min_mentions]): language used at least `min_mentions` times,
-- then absent for the last `window_days` before `as_of` although the government kept speaking on the topic.
-- Grain: government x topic x term x kind.
create macro position_terms_dropped(as_of, window_days := 90, min_mentions := 2) as table
with
stated as (
    select * from position_statements where timezone('UTC', stated_at)::date <= as_of::date
),
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
    join statement_terms as t on t.statement_id = s.statement_id
    group by all
),
activity as (
    select government, topic, max(stated_at) as last_statement_at
    from stated
    group by all
)
select t.*, a.last_statement_at
from terms as t
join activity as a using (government, topic)
where t.mentions >= min_mentions
  and timezone('UTC', t.last_seen)::date < as_of::date - window_days::integer
  and timezone('UTC', a.last_statement_at)::date >= as_of::date - window_days::integer
order by t.mentions desc, t.government, t.topic, t.term;

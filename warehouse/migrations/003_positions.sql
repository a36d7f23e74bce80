-- 003_positions: statements (one per statement, however many outlets reported it) and position tracking.
--
-- The *rows* of these tables are derived: `claimtrack rebuild` and the refresh after each ingest
-- (warehouse.writes.replace_derived) delete them and write them again from `claims` + `claim_topics`, in one
-- transaction, so anything written into them by hand is lost on the next refresh. `statement_comparisons` keeps
-- the rows of similarity methods a refresh did not recompute (while both statements exist); `derived_builds`
-- is upserted. The tables themselves are schema, not derived: do not drop them, because no migration or
-- rebuild creates them again (this migration runs once) and the views in warehouse/views/ read them. The
-- evidence stays in `claim_records` / `articles`. Every derived row reaches back: statement -> claim ids ->
-- article URL -> raw page hash (`articles.content_sha256`) and character offsets (`claims.start_char` / `end_char`).

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

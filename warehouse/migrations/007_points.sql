-- 007_points: position tracking by points, with the evidence of every change, and an incremental refresh.
--
-- statement_comparisons: each statement belongs to a *point* (what the government keeps saying on the topic); a
-- shift or reversal records what changed; a comparison with a statement of the same day is an elaboration.
alter table statement_comparisons add column point_id varchar;   -- statement id of the point's first statement
alter table statement_comparisons add column change varchar;     -- shift/reversal: "figure: 20% -> 60%; ..."
alter table statement_comparisons add column same_day boolean;   -- compared with a same-day statement

-- statements: the representative report's reporting cue ("said", "denied"): grouping keeps a denial and a plain
-- report of the same words apart, and the evidence of a change can name the cue.
alter table statements add column cue varchar;

-- statement_features: what the change rules read (positions.markers), and the text embedding methods read (the
-- government's own names replaced), so a refresh re-reads no stored statement.
alter table statement_features add column amounts varchar[];     -- figures with their unit: 60%, 274.8kg
alter table statement_features add column conditions varchar[];  -- condition words: unless, as long as, if
alter table statement_features add column aspect varchar[];      -- continuity / change words: again, no longer
alter table statement_features add column normalized_text varchar;

-- statement_vectors: a statement's embedding per similarity method, keyed like the features cache (the hash of its
-- words and cue, its government) so that a refresh never embeds the same text twice.
create table statement_vectors (
    content_sha256 varchar not null,     -- statement_features.content_sha256
    government varchar not null,
    method_version varchar not null,     -- the similarity method's version (model and text it embeds)
    vector float[] not null,
    primary key (content_sha256, government, method_version)
);

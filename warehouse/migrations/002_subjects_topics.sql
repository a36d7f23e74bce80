-- 002_subjects_topics: what a claim talks about, beside who says it.

-- claim_subjects: the governments a claim talks *about* (speaker UKR saying "China did not object" -> CHN).
create table claim_subjects (
    claim_id varchar not null,           -- claim_records.claim_id
    government varchar not null,         -- ISO alpha-3 or X.. IGO code
    evidence varchar,                    -- the words that named it (e.g. "country:China")
    primary key (claim_id, government)
);

-- claim_topics: the topics (seeds/topics.toml) a claim is about, with the term that matched.
create table claim_topics (
    claim_id varchar not null,           -- claim_records.claim_id
    topic varchar not null,              -- topic id, e.g. ukraine-war
    term varchar,                        -- the matched term or pattern
    primary key (claim_id, topic)
);

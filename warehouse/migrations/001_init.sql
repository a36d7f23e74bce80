-- 001_init: the public schema v1 (docs/schema.md documents every column).
-- Evidence tables are append-only where it matters: claim_records keeps every extraction of every article;
-- the `claims` view (warehouse/views/claims.sql) shows the current one.

create table runs (
    run_id varchar primary key,          -- Prefect flow-run id (or a uuid outside Prefect)
    flow varchar not null,               -- ingest | backfill | reprocess
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,             -- running | completed | failed
    parameters json,
    summary json
);

create sequence fetch_id_seq start 1;

create table fetches (
    fetch_id bigint primary key default nextval('fetch_id_seq'),
    url varchar not null,                -- as requested
    final_url varchar,                   -- after redirects (or the file path of a local page)
    source varchar,                      -- sources.toml name
    fetched_at timestamptz not null,
    status integer,                      -- HTTP status; null when no response
    error varchar,                       -- "<kind>: <reason>", null on success
    extract_error varchar,               -- fetched fine, but no article came out of it (why)
    bytes bigint,
    elapsed_ms integer,
    content_sha256 varchar,              -- body hash = raw archive key
    content_type varchar,
    etag varchar,
    last_modified varchar,
    run_id varchar
);

create table articles (
    article_id varchar primary key,      -- first 16 hex chars of sha256(url)
    url varchar not null unique,
    source varchar,
    outlet varchar,
    title varchar,
    author varchar,
    published_at timestamptz,
    text varchar not null,               -- the article text; claim offsets index this
    text_sha256 varchar not null,
    content_sha256 varchar,              -- raw page in the archive this text came from
    final_url varchar,
    sitename varchar,
    language varchar,
    extracted_at timestamptz not null,
    extractor_version varchar not null,  -- article (html -> text) extractor
    claims_version varchar               -- extractor version of the current claims (see claim_records)
);

create table claim_records (
    claim_id varchar primary key,
    article_id varchar not null,
    text_sha256 varchar not null,        -- the article text these offsets index
    extractor_version varchar not null,  -- claims extractor + model
    ordinal integer not null,            -- position within the article's claims
    speaker varchar,
    speaker_canonical varchar,
    speaker_start integer,
    speaker_end integer,
    government varchar,                  -- ISO 3166-1 alpha-3 (or X.. IGO code), null if none
    kind varchar not null,               -- direct | indirect | mixed | according_to
    cue varchar,
    cue_class varchar,                   -- speech | belief | knowledge
    content varchar not null,
    start_char integer not null,
    end_char integer not null,
    content_spans json not null,         -- [[start, end], ...]
    via varchar,
    via_government varchar,
    link_evidence varchar,
    actor_id varchar,
    actor_type varchar,
    speaker_resolution varchar,
    continues_claim_id varchar,
    confidence double,
    published_at timestamptz,
    created_at timestamptz not null,
    run_id varchar
);

create index claim_records_article on claim_records (article_id);

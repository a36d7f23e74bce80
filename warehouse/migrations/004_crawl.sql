-- 004_crawl: what the crawler knows about a URL's identity and its fetch history.

-- fetches.canonical_url: <link rel="canonical"> (same site) or the normalised final URL of a fetched page.
alter table fetches add column canonical_url varchar;
-- fetches.role: 'listing' (feed, sitemap, URL list) or 'page'.
alter table fetches add column role varchar;
-- fetches.attempts: HTTP attempts made for this fetch (retries after 429/503/5xx/resets/timeouts included).
alter table fetches add column attempts integer;
-- articles.canonical_url: the page's canonical URL; a second URL with the same canonical URL is not stored again.
alter table articles add column canonical_url varchar;

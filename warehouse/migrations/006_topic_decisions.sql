-- 006_topic_decisions: how each topic of a claim was decided, and the score it was decided on.
-- `how`: `term` (the claim's own words name the topic; `term` holds them), `article` (the claim inherits a topic
-- its article is about; `term` is NULL), `similarity` (the claim's words are close to the topic's description and
-- examples; `term` is NULL). `score`: 1.0 for a term, the article's share for `article`, the cosine for
-- `similarity`. Every row written before this migration was found by a term.
alter table claim_topics add column how varchar;
alter table claim_topics add column score double;
update claim_topics set how = 'term', score = 1.0;

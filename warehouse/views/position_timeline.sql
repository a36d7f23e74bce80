-- position_timeline
-- Answers: how much has a government said on a topic per day / week / month, reported by how many outlets,
-- what were its most reported statements and who spoke?
-- Grain: one row per government x topic x grain (day | week | month) x period_start, over every dated statement.
-- The counting is `position_timeline_since`'s (one definition), from the first statement on.
create or replace view position_timeline as
with
final as (select * from position_timeline_since(null))
select * from final;

-- The head of each household, as every list and export shows it: the name of the
-- resident whose relation is 户主 (the first by id, should a roster have given two),
-- and the household's contact phone (the head's, else the first member's that has
-- one); '' when there is none. The one place that knows how a head is found; queries
-- read it through PEOPLE_HEAD_NAME and PEOPLE_HEAD_PHONE (src/domain/register/people.h).
CREATE VIEW household_heads AS
SELECT h.id AS household_id,
       COALESCE((SELECT r.name FROM residents r WHERE r.household_id = h.id AND r.relation = '户主'
                 ORDER BY r.id LIMIT 1), '') AS head_name,
       COALESCE((SELECT r.phone FROM residents r WHERE r.household_id = h.id AND r.phone IS NOT NULL
                 AND r.phone <> '' ORDER BY CASE WHEN r.relation = '户主' THEN 0 ELSE 1 END, r.id
                 LIMIT 1), '') AS phone
FROM households h;

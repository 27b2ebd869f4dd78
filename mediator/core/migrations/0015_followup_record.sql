-- The 回访 record gets its structure (issue 24): 履行情况 (performance), 满意度 (satisfaction),
-- 新苗头/隐患 (new_signs) and 措施 (measures). Visits done before keep their free note; the new
-- columns start empty. Local columns: a package of payload version 1 does not carry them.
ALTER TABLE follow_up ADD COLUMN performance VARCHAR NOT NULL DEFAULT '';
ALTER TABLE follow_up ADD COLUMN satisfaction VARCHAR(16);
ALTER TABLE follow_up ADD COLUMN new_signs VARCHAR NOT NULL DEFAULT '';
ALTER TABLE follow_up ADD COLUMN measures VARCHAR NOT NULL DEFAULT '';

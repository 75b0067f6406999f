-- g-single: read skew (a single anti-dependency). T2 moves 2 from row 2 to row 1 (10, 20 ->
-- 12, 18); T1 reads row 1, then row 2: their sum must be 30, as in every committed state.
-- @role T1
BEGIN;
SELECT value AS x FROM test WHERE id = 1;
SELECT :x + value AS total FROM test WHERE id = 2;
-- @expect total = 30 else G_single
COMMIT;
-- @role T2
BEGIN;
UPDATE test SET value = 12 WHERE id = 1;
UPDATE test SET value = 18 WHERE id = 2;
COMMIT;

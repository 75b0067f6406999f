-- otv: observed transaction vanishes. T2 writes row 1, then row 2. T1 reads row 2, then row 1:
-- once it has seen T2's row 2 (18), T2's earlier write of row 1 (12) must not vanish from its
-- view (a pair 18, 10 is no state any order of the transactions leaves).
-- @role T1
BEGIN;
SELECT value AS y FROM test WHERE id = 2;
SELECT :y * 100 + value AS pair FROM test WHERE id = 1;
-- @expect pair != 1810 else OTV
COMMIT;
-- @role T2
BEGIN;
UPDATE test SET value = 12 WHERE id = 1;
UPDATE test SET value = 18 WHERE id = 2;
COMMIT;

-- p4: lost update. T1 and T2 each read row 1 and write back what they read + 1; `writes`
-- counts the increments atomically, so value - initial must equal it (invariant lost_update).
-- @role T1
BEGIN;
SELECT value FROM test WHERE id = 1;
UPDATE test SET value = :value + 1, writes = writes + 1 WHERE id = 1;
COMMIT;
-- @role T2
BEGIN;
SELECT value FROM test WHERE id = 1;
UPDATE test SET value = :value + 1, writes = writes + 1 WHERE id = 1;
COMMIT;

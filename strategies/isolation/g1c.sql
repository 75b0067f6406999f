-- g1c: circular information flow. T1 writes row 1 and reads row 2; T2 writes row 2 and reads
-- row 1. Each may see the other's write only if the other committed first: not both
-- (invariant circular_reads; each read is kept in `seen`).
-- @role T1
BEGIN;
UPDATE test SET value = 11 WHERE id = 1;
INSERT INTO seen (reader, value) SELECT 1, value FROM test WHERE id = 2;
COMMIT;
-- @role T2
BEGIN;
UPDATE test SET value = 22 WHERE id = 2;
INSERT INTO seen (reader, value) SELECT 2, value FROM test WHERE id = 1;
COMMIT;

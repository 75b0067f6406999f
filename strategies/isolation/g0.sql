-- g0: dirty write (a write cycle). T1 and T2 each write both rows; the final rows must come
-- from one of them: row 1's last writer is row 2's (invariant mixed_writers).
-- @role T1
BEGIN;
UPDATE test SET value = 11, writer = 1 WHERE id = 1;
UPDATE test SET value = 21, writer = 1 WHERE id = 2;
COMMIT;
-- @role T2
BEGIN;
UPDATE test SET value = 12, writer = 2 WHERE id = 1;
UPDATE test SET value = 22, writer = 2 WHERE id = 2;
COMMIT;

-- g2-item: write skew. The two rows hold 30 together; each transaction withdraws 25 from its
-- own row if the total allows it. Run one after the other, the second is refused; both
-- succeeding leaves the total below zero (invariant negative_total).
-- @role T1
BEGIN;
SELECT SUM(value) AS total FROM test WHERE id IN (1, 2);
-- @require total >= 25 else refused
UPDATE test SET value = value - 25 WHERE id = 1;
COMMIT;
-- @role T2
BEGIN;
SELECT SUM(value) AS total FROM test WHERE id IN (1, 2);
-- @require total >= 25 else refused
UPDATE test SET value = value - 25 WHERE id = 2;
COMMIT;

-- atomic: debit WHERE balance >= :amount (checked with changes()), then credit, in one transaction.
-- One writer at a time on SQLite: no deadlock; a busy wait that runs out is retried.
-- @retry lock_timeout up to 20 times, backoff 1ms..50ms
BEGIN;
UPDATE accounts SET balance = balance - :amount WHERE id = :from AND balance >= :amount;
SELECT changes() AS changed;
-- @require changed = 1 else insufficient_funds
-- @window
UPDATE accounts SET balance = balance + :amount WHERE id = :to;
INSERT INTO transfers (user_id, from_id, to_id, amount) VALUES (:user, :from, :to, :amount);
COMMIT;

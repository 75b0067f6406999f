-- immediate: BEGIN IMMEDIATE, then read, check, debit, credit.
-- SQLite's lock for update covers the whole database: no lock order, no deadlock.
-- @retry lock_timeout up to 5 times, backoff 1ms..50ms
BEGIN IMMEDIATE;
SELECT balance AS from_balance FROM accounts WHERE id = :from;
-- @require found else not_found
-- @require from_balance >= :amount else insufficient_funds
-- @window
UPDATE accounts SET balance = balance - :amount WHERE id = :from;
UPDATE accounts SET balance = balance + :amount WHERE id = :to;
INSERT INTO transfers (user_id, from_id, to_id, amount) VALUES (:user, :from, :to, :amount);
COMMIT;

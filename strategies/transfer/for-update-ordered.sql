-- for-update-ordered: lock both accounts, lower id first; check, debit, credit.
-- Every buyer takes the locks in one global order, so no wait cycle: no deadlock.
-- @retry deadlock, lock_timeout up to 20 times, backoff 1ms..50ms
START TRANSACTION;
SELECT id FROM accounts WHERE id = LEAST(:from, :to) FOR UPDATE;
-- @require found else not_found
-- @window
SELECT id FROM accounts WHERE id = GREATEST(:from, :to) FOR UPDATE;
-- @require found else not_found
SELECT balance AS from_balance FROM accounts WHERE id = :from FOR UPDATE;
-- @require from_balance >= :amount else insufficient_funds
UPDATE accounts SET balance = balance - :amount WHERE id = :from;
UPDATE accounts SET balance = balance + :amount WHERE id = :to;
INSERT INTO transfers (user_id, from_id, to_id, amount) VALUES (:user, :from, :to, :amount);
COMMIT;

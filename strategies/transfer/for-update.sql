-- for-update: lock :from (FOR UPDATE), check, lock :to, then debit and credit.
-- A->B and B->A each hold one lock and wait for the other: deadlock, one retried.
-- @retry deadlock, lock_timeout up to 20 times, backoff 1ms..50ms
START TRANSACTION;
SELECT balance AS from_balance FROM accounts WHERE id = :from FOR UPDATE;
-- @require found else not_found
-- @require from_balance >= :amount else insufficient_funds
-- @window
SELECT id FROM accounts WHERE id = :to FOR UPDATE;
-- @require found else not_found
UPDATE accounts SET balance = balance - :amount WHERE id = :from;
UPDATE accounts SET balance = balance + :amount WHERE id = :to;
INSERT INTO transfers (user_id, from_id, to_id, amount) VALUES (:user, :from, :to, :amount);
COMMIT;

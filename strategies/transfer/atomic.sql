-- atomic: debit WHERE balance >= :amount, then credit, in one transaction.
-- No read goes stale, but locks come in from->to order: deadlocks, retried.
-- @retry deadlock, lock_timeout up to 20 times, backoff 1ms..50ms
START TRANSACTION;
UPDATE accounts SET balance = balance - :amount WHERE id = :from AND balance >= :amount;
-- @require affected = 1 else insufficient_funds
-- @window
UPDATE accounts SET balance = balance + :amount WHERE id = :to;
INSERT INTO transfers (user_id, from_id, to_id, amount) VALUES (:user, :from, :to, :amount);
COMMIT;

-- naive: read both balances, check, then write back values computed from them.
-- Crossing transfers overwrite each other's writes (lost update): money made or lost.
SELECT balance AS from_balance FROM accounts WHERE id = :from;
-- @require found else not_found
-- @require from_balance >= :amount else insufficient_funds
SELECT balance AS to_balance FROM accounts WHERE id = :to;
-- @require found else not_found
-- @window
UPDATE accounts SET balance = :from_balance - :amount WHERE id = :from;
UPDATE accounts SET balance = :to_balance + :amount WHERE id = :to;
INSERT INTO transfers (user_id, from_id, to_id, amount) VALUES (:user, :from, :to, :amount);

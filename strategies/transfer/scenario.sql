-- transfer: buyers move money between accounts; transfers cross each other.
-- Each moves 1..A from one random account to another: no money made, none lost.
-- @param accounts = 10 min 2 max 1000000 "number of accounts"
-- @param balance = 100 min 0 max 1000000000000 "each account's balance at the start"
-- @param amount = 1..50 min 1 max 1000000000000 "money one transfer moves (drawn per transfer; K or A..B)"
-- @param from = 1..accounts min 1 max accounts "the account a transfer debits (drawn per transfer)"
-- @param shift = 1..accounts - 1 min 1 max accounts - 1 "how far the credited account is from :from (drawn)"
-- @param to = (from + shift - 1) % accounts + 1 "the account a transfer credits, never :from"
-- @units amount

-- @setup
CREATE TABLE accounts (
  id INT PRIMARY KEY,
  balance BIGINT NOT NULL,
  initial_balance BIGINT NOT NULL
) ENGINE=InnoDB;
CREATE TABLE transfers (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL,
  from_id INT NOT NULL,
  to_id INT NOT NULL,
  amount BIGINT NOT NULL
) ENGINE=InnoDB;
INSERT INTO accounts (id, balance, initial_balance)
  WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :accounts)
  SELECT n, :balance, :balance FROM seq;

-- @invariant money_conserved "money made or lost: |total balance now - total at the start|"
SELECT ABS(SUM(balance) - SUM(initial_balance)) FROM accounts;

-- @invariant negative_balance "money below zero in the balance column"
SELECT COALESCE(SUM(-LEAST(balance, 0)), 0) FROM accounts;

-- @invariant ledger "money the balances disagree with the transfers (start - sent + received)"
SELECT COALESCE(SUM(ABS(a.initial_balance - COALESCE(o.sent, 0) + COALESCE(i.got, 0) - a.balance)), 0)
  FROM accounts a
  LEFT JOIN (SELECT from_id, SUM(amount) AS sent FROM transfers GROUP BY from_id) o ON o.from_id = a.id
  LEFT JOIN (SELECT to_id, SUM(amount) AS got FROM transfers GROUP BY to_id) i ON i.to_id = a.id;

-- @recorded
SELECT COUNT(*) FROM transfers;

-- @remaining
SELECT COALESCE(SUM(GREATEST(balance, 0)), 0) FROM accounts;

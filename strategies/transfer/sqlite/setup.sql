-- transfer on SQLite: the setup in its DDL (the parameters, invariants and strategies are
-- shared: strategies/transfer/scenario.sql).
-- @setup
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  balance BIGINT NOT NULL,
  initial_balance BIGINT NOT NULL
);
CREATE TABLE transfers (
  id INTEGER PRIMARY KEY,
  user_id INT NOT NULL,
  from_id INT NOT NULL,
  to_id INT NOT NULL,
  amount BIGINT NOT NULL
);
INSERT INTO accounts (id, balance, initial_balance)
  WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :accounts)
  SELECT n, :balance, :balance FROM seq;

-- transfer on PostgreSQL: the setup in its DDL (the parameters, invariants and strategies are
-- shared: strategies/transfer/scenario.sql).
-- @setup
CREATE TABLE accounts (
  id INT PRIMARY KEY,
  balance BIGINT NOT NULL,
  initial_balance BIGINT NOT NULL
);
CREATE TABLE transfers (
  id BIGSERIAL PRIMARY KEY,
  user_id INT NOT NULL,
  from_id INT NOT NULL,
  to_id INT NOT NULL,
  amount BIGINT NOT NULL
);
INSERT INTO accounts (id, balance, initial_balance)
  SELECT n, :balance, :balance FROM generate_series(1, :accounts) AS n;

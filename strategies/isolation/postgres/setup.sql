-- isolation on PostgreSQL: the setup in its DDL (the invariants and tests are shared:
-- strategies/isolation/scenario.sql).
-- @setup
CREATE TABLE test (
  id INT PRIMARY KEY,
  value INT NOT NULL,
  initial INT NOT NULL,
  writes INT NOT NULL DEFAULT 0,
  writer INT NOT NULL DEFAULT 0
);
CREATE TABLE seen (
  reader INT NOT NULL,
  value INT NOT NULL
);
INSERT INTO test (id, value, initial) VALUES (1, 10, 10), (2, 20, 20);

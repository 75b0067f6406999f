-- stock on SQLite: the setup in its DDL (the parameters and invariants are shared:
-- strategies/stock/scenario.sql; racesim gives SQLite the GREATEST and LEAST they use).
-- @setup
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  stock INT NOT NULL,
  initial_stock INT NOT NULL,
  version INT NOT NULL DEFAULT 0
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INT NOT NULL,
  product_id INT NOT NULL,
  qty INT NOT NULL
);
CREATE INDEX orders_product ON orders (product_id);
INSERT INTO products (id, stock, initial_stock)
  WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :products)
  SELECT n, :stock, :stock FROM seq;

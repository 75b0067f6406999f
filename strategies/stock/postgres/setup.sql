-- stock on PostgreSQL: the setup in its DDL (the parameters, invariants and strategies are
-- shared: strategies/stock/scenario.sql).
-- @setup
CREATE TABLE products (
  id INT PRIMARY KEY,
  stock INT NOT NULL,
  initial_stock INT NOT NULL,
  version INT NOT NULL DEFAULT 0
);
CREATE TABLE orders (
  id BIGSERIAL PRIMARY KEY,
  user_id INT NOT NULL,
  product_id INT NOT NULL,
  qty INT NOT NULL
);
CREATE INDEX orders_product ON orders (product_id);
INSERT INTO products (id, stock, initial_stock)
  SELECT n, :stock, :stock FROM generate_series(1, :products) AS n;

-- checkout on SQLite: the setup in its DDL (the parameters and invariants are shared:
-- strategies/checkout/scenario.sql; the strategies here take the order id by last_insert_rowid()).
-- @setup
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  stock INT NOT NULL,
  initial_stock INT NOT NULL
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INT NOT NULL,
  line_count INT NOT NULL
);
CREATE TABLE order_lines (
  order_id INT NOT NULL,
  product_id INT NOT NULL,
  qty INT NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX order_lines_product ON order_lines (product_id);
INSERT INTO products (id, stock, initial_stock)
  WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :products)
  SELECT n, :stock, :stock FROM seq;

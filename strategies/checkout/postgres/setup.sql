-- checkout on PostgreSQL: the setup in its DDL (the parameters and invariants are shared:
-- strategies/checkout/scenario.sql; the strategies here take the order id by RETURNING).
-- @setup
CREATE TABLE products (
  id INT PRIMARY KEY,
  stock INT NOT NULL,
  initial_stock INT NOT NULL
);
CREATE TABLE orders (
  id BIGSERIAL PRIMARY KEY,
  user_id INT NOT NULL,
  line_count INT NOT NULL
);
CREATE TABLE order_lines (
  order_id BIGINT NOT NULL,
  product_id INT NOT NULL,
  qty INT NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX order_lines_product ON order_lines (product_id);
INSERT INTO products (id, stock, initial_stock)
  SELECT n, :stock, :stock FROM generate_series(1, :products) AS n;

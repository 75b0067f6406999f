-- hot_row: every purchase takes one unit off one row, pgbench's peer (bench/pgbench.sh).
-- The setup is the same SQL on MariaDB and PostgreSQL.
-- @param stock = 1000000000 min 0 max 2000000000 "units on the one row at the start"

-- @setup
CREATE TABLE products (
  id INT PRIMARY KEY,
  stock BIGINT NOT NULL,
  initial_stock BIGINT NOT NULL
);
INSERT INTO products (id, stock, initial_stock) VALUES (1, :stock, :stock);

-- @invariant negative_stock "units below zero in the stock column"
SELECT CASE WHEN stock < 0 THEN -stock ELSE 0 END FROM products WHERE id = 1;

-- @recorded
SELECT initial_stock - stock FROM products WHERE id = 1;

-- @remaining
SELECT stock FROM products WHERE id = 1;

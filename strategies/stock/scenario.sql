-- stock: a flash sale where buyers race for the last units of a product.
-- The classic demo: stock = 10 x users, qty 1..30, one product: stock runs out mid-run.
-- @param stock = 10 * users min 0 max 2147483647 "units of each product at the start"
-- @param products = 1 min 1 max 1000000 "number of products"
-- @param qty = 1..30 min 1 max 2147483647 "units one purchase asks for (drawn per purchase; K or A..B)"
-- @param skew = uniform "how purchases pick a product: uniform or zipf:S"
-- @param product = 1..products by skew min 1 max products "the product a purchase asks for (drawn per purchase)"
-- @units qty

-- @setup
CREATE TABLE products (
  id INT PRIMARY KEY,
  stock INT NOT NULL,
  initial_stock INT NOT NULL,
  version INT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
CREATE TABLE orders (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL,
  product_id INT NOT NULL,
  qty INT NOT NULL,
  KEY (product_id)
) ENGINE=InnoDB;
INSERT INTO products (id, stock, initial_stock)
  WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :products)
  SELECT n, :stock, :stock FROM seq;

-- @invariant oversell "units sold beyond a product's initial stock"
SELECT COALESCE(SUM(GREATEST(o.sold - p.initial_stock, 0)), 0)
  FROM products p
  JOIN (SELECT product_id, SUM(qty) AS sold FROM orders GROUP BY product_id) o ON o.product_id = p.id;

-- @invariant negative_stock "units below zero in the stock column"
SELECT COALESCE(SUM(-LEAST(stock, 0)), 0) FROM products;

-- @invariant lost_update "units ordered that the stock never lost (initial - final != sum of qty)"
SELECT COALESCE(SUM(ABS(p.initial_stock - p.stock - COALESCE(o.sold, 0))), 0)
  FROM products p
  LEFT JOIN (SELECT product_id, SUM(qty) AS sold FROM orders GROUP BY product_id) o ON o.product_id = p.id;

-- @recorded
SELECT COUNT(*) FROM orders;

-- @acknowledged
SELECT id FROM orders;

-- @remaining
SELECT COALESCE(SUM(GREATEST(stock, 0)), 0) FROM products;

-- @watch stock >= 0
SELECT stock FROM products WHERE id = 1;

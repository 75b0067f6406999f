-- checkout: carts of 1..3 products bought all or nothing; the lines race for the same stock.
-- Each purchase is one cart: an order row and one order_lines row per cart line.
-- @param products = 10 min 1 max 1000000 "number of products"
-- @param stock = users / 2 min 0 max 2147483647 "units of each product at the start"
-- @param skew = uniform "how cart lines pick a product: uniform or zipf:S"
-- @param product = 1..products by skew min 1 max products "a cart line's product"
-- @param qty = 1..5 min 1 max 2147483647 "a cart line's units"
-- @param cart = 1..3 lines of product, qty "cart lines per purchase (distinct products)"
-- @units cart.qty

-- @setup
CREATE TABLE products (
  id INT PRIMARY KEY,
  stock INT NOT NULL,
  initial_stock INT NOT NULL
) ENGINE=InnoDB;
CREATE TABLE orders (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL,
  line_count INT NOT NULL
) ENGINE=InnoDB;
CREATE TABLE order_lines (
  order_id BIGINT NOT NULL,
  product_id INT NOT NULL,
  qty INT NOT NULL,
  PRIMARY KEY (order_id, product_id),
  KEY (product_id)
) ENGINE=InnoDB;
INSERT INTO products (id, stock, initial_stock)
  WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :products)
  SELECT n, :stock, :stock FROM seq;

-- @invariant oversell "units sold beyond a product's initial stock, over all products"
SELECT COALESCE(SUM(GREATEST(s.sold - p.initial_stock, 0)), 0)
  FROM products p
  JOIN (SELECT product_id, SUM(qty) AS sold FROM order_lines GROUP BY product_id) s
    ON s.product_id = p.id;

-- @invariant negative_stock "units below zero in the stock column"
SELECT COALESCE(SUM(-LEAST(stock, 0)), 0) FROM products;

-- @invariant partial_order "orders whose lines are not all there"
SELECT COUNT(*) FROM orders o
  WHERE o.line_count <> (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id);

-- @invariant stock_drift "units the stock lost or kept against the order lines, per product"
SELECT COALESCE(SUM(ABS(p.initial_stock - p.stock - COALESCE(s.sold, 0))), 0)
  FROM products p
  LEFT JOIN (SELECT product_id, SUM(qty) AS sold FROM order_lines GROUP BY product_id) s
    ON s.product_id = p.id;

-- @recorded
SELECT COUNT(*) FROM orders;

-- @remaining
SELECT COALESCE(SUM(GREATEST(stock, 0)), 0) FROM products;

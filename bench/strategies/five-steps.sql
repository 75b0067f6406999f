-- five-steps: five autocommit statements per buyer, a lost update among them: 2 buyers have
-- C(10,5) = 252 interleavings (bench/explore.sh times explore over all of them).
SELECT stock FROM products WHERE id = :product;
-- @require stock >= qty else out_of_stock
SELECT version FROM products WHERE id = :product;
UPDATE products SET stock = :stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
SELECT COUNT(*) AS n FROM orders;

-- serializable: the naive check-then-write inside a SERIALIZABLE transaction, retried on deadlock.
-- InnoDB makes the plain SELECT take a shared lock: racing buyers deadlock instead of overselling.
-- @isolation serializable
-- @retry deadlock, lock_timeout up to 20 times, backoff 1ms..50ms
START TRANSACTION;
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;

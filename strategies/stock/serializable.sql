-- serializable: naive check-then-write in a SERIALIZABLE transaction.
-- The SELECT takes a shared lock: racing buyers deadlock (and retry) instead of overselling.
-- On PostgreSQL (serializable snapshot isolation: no shared locks) a racing transaction fails
-- with 40001 (serialization) instead, and is retried.
-- @isolation serializable
-- @retry deadlock, lock_timeout, serialization up to 20 times, backoff 1ms..50ms
START TRANSACTION;
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;

-- serializable: naive check-then-write in a SERIALIZABLE transaction.
-- On PostgreSQL SERIALIZABLE is serializable snapshot isolation: no shared locks; a racing
-- transaction fails with 40001 (serialization) and retries, never oversells.
-- @isolation serializable
-- @retry serialization, deadlock up to 20 times, backoff 1ms..50ms
START TRANSACTION;
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;

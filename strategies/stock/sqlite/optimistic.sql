-- optimistic: write only if the version read is unchanged, else retry.
-- No lock while deciding; under heavy contention most attempts conflict and retry.
-- @retry conflict, lock_timeout up to 20 times, backoff 1ms..50ms
SELECT stock, version FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
BEGIN;
UPDATE products SET stock = stock - :qty, version = version + 1
  WHERE id = :product AND version = :version;
SELECT changes() AS changed;
-- @require changed = 1 else conflict
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;

-- optimistic-sells: optimistic (version check, no lock while deciding), retried until the
-- purchase succeeds or the stock is gone: no lost sales. Each backoff grows from the previous
-- sleep (decorrelated jitter, 150..400 ms), so 500 buyers spread out instead of colliding
-- again: every conflict costs a round trip of reads and a rollback, so fewer, later retries win
-- (50..200 ms took 1.8x as long: results/optimistic-tuning.md), but a buyer asleep after the
-- sellout must still wake to learn it. Read committed lets a losing UPDATE release the row at
-- once instead of holding it until its ROLLBACK.
-- @isolation read-committed
-- @retry conflict until done, backoff 150ms..400ms jitter decorrelated
SELECT stock, version FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
START TRANSACTION;
UPDATE products SET stock = stock - :qty, version = version + 1
  WHERE id = :product AND version = :version;
-- @require affected = 1 else conflict
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;

-- optimistic-sells: optimistic (version check, no lock while deciding), retried until the
-- purchase succeeds or the stock is gone: no lost sales. The backoff is sized to the contention
-- (`jitter contention`: a share of the purchases in progress × a slot that grows with every
-- conflict), as in MariaDB's file; here the version-checked UPDATE waits for a row another
-- buyer holds (read committed: then re-checks the version, 0 rows: a conflict).
-- @isolation read-committed
-- @retry conflict until done, backoff 0ms..1s jitter contention
START TRANSACTION;
SELECT stock, version FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty, version = version + 1
  WHERE id = :product AND version = :version;
-- @require affected = 1 else conflict
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;

-- wsrep-off-node2: atomic-retry, but buyer 2 (on node 2) turns replication off for its session.
-- Its sale stays on node 2 alone. For tests/integration/cluster_strategies.sh: the nodes must then
-- disagree (nodes_agree names node 2).
-- The other buyers retry every abort until done, so all 3 purchases succeed in every run.
-- @retry deadlock, lock_timeout until done, backoff 5ms..200ms jitter decorrelated
SET SESSION wsrep_on = IF(:user = 2, 0, 1);
START TRANSACTION;
UPDATE products SET stock = stock - :qty WHERE id = :product AND stock >= :qty;
-- @require affected = 1 else out_of_stock
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;

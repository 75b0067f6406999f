-- serializable: the naive checks and writes in a deferred transaction, retried on busy.
-- SQLite is always serializable: a racing request fails (busy), and is run again.
-- @retry lock_timeout, snapshot_conflict up to 20 times, backoff 1ms..50ms
BEGIN;
SELECT COUNT(*) AS redeemed FROM redemptions WHERE customer_id = :customer AND coupon_id = :coupon;
-- @require redeemed = 0 else already_used
SELECT uses, max_uses AS allowed FROM coupons WHERE id = :coupon;
-- @require found else not_found
-- @require uses < allowed else exhausted
-- @window
UPDATE coupons SET uses = uses + 1 WHERE id = :coupon;
INSERT INTO redemptions (customer_id, coupon_id) VALUES (:customer, :coupon);
COMMIT;

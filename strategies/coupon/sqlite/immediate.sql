-- immediate: BEGIN IMMEDIATE takes the write lock, then the naive checks and writes.
-- SQLite's lock for update: identical requests queue in the busy handler, never duplicate.
-- @retry lock_timeout up to 5 times, backoff 1ms..50ms
BEGIN IMMEDIATE;
SELECT COUNT(*) AS redeemed FROM redemptions WHERE customer_id = :customer AND coupon_id = :coupon;
-- @require redeemed = 0 else already_used
SELECT uses, max_uses AS allowed FROM coupons WHERE id = :coupon;
-- @require found else not_found
-- @require uses < allowed else exhausted
-- @window
UPDATE coupons SET uses = uses + 1 WHERE id = :coupon;
INSERT INTO redemptions (customer_id, coupon_id) VALUES (:customer, :coupon);
COMMIT;

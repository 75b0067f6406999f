-- for-update: lock the coupon (SELECT ... FOR UPDATE), then check and redeem.
-- Pessimistic: every request queues on the coupon's row lock; no check goes stale.
-- @retry deadlock, lock_timeout up to 5 times, backoff 1ms..50ms
START TRANSACTION;
SELECT uses, max_uses AS allowed FROM coupons WHERE id = :coupon FOR UPDATE;
-- @require found else not_found
SELECT COUNT(*) AS redeemed FROM redemptions WHERE customer_id = :customer AND coupon_id = :coupon;
-- @require redeemed = 0 else already_used
-- @require uses < allowed else exhausted
-- @window
UPDATE coupons SET uses = uses + 1 WHERE id = :coupon;
INSERT INTO redemptions (customer_id, coupon_id) VALUES (:customer, :coupon);
COMMIT;

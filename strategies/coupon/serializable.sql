-- serializable: the naive checks and writes in a SERIALIZABLE transaction.
-- Every SELECT takes shared locks: racing requests deadlock and retry, never duplicate.
-- On PostgreSQL (serializable snapshot isolation: no shared locks) a racing transaction fails
-- with 40001 (serialization) instead, and is retried.
-- @isolation serializable
-- @retry deadlock, lock_timeout, serialization up to 20 times, backoff 1ms..50ms
START TRANSACTION;
SELECT COUNT(*) AS redeemed FROM redemptions WHERE customer_id = :customer AND coupon_id = :coupon;
-- @require redeemed = 0 else already_used
SELECT uses, max_uses AS allowed FROM coupons WHERE id = :coupon;
-- @require found else not_found
-- @require uses < allowed else exhausted
-- @window
UPDATE coupons SET uses = uses + 1 WHERE id = :coupon;
INSERT INTO redemptions (customer_id, coupon_id) VALUES (:customer, :coupon);
COMMIT;

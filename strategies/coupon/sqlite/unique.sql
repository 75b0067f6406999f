-- unique: insert first; a UNIQUE key refuses a second redemption; take a use.
-- The key decides, not a read: a duplicate fails with SQLITE_CONSTRAINT_UNIQUE (already_used).
-- @retry lock_timeout up to 20 times, backoff 1ms..50ms
BEGIN;
INSERT INTO redemptions (customer_id, coupon_id, once) VALUES (:customer, :coupon, 1);
-- @on duplicate_key already_used
-- @window
UPDATE coupons SET uses = uses + 1 WHERE id = :coupon AND uses < max_uses;
-- @require affected = 1 else exhausted
COMMIT;

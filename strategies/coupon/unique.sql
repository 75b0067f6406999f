-- unique: insert first; a UNIQUE key refuses a second redemption; take a use.
-- The key decides, not a read: a duplicate fails with 1062 (already_used).
-- @retry deadlock up to 20 times, backoff 1ms..50ms
START TRANSACTION;
INSERT INTO redemptions (customer_id, coupon_id, once) VALUES (:customer, :coupon, 1);
-- @on duplicate_key already_used
-- @window
UPDATE coupons SET uses = uses + 1 WHERE id = :coupon AND uses < max_uses;
-- @require affected = 1 else exhausted
COMMIT;

-- naive: check no redemption and uses left, then redeem; autocommit, no lock.
-- Identical requests all pass the check before any writes: duplicates, over max_uses.
SELECT COUNT(*) AS redeemed FROM redemptions WHERE customer_id = :customer AND coupon_id = :coupon;
-- @require redeemed = 0 else already_used
SELECT uses, max_uses AS allowed FROM coupons WHERE id = :coupon;
-- @require found else not_found
-- @require uses < allowed else exhausted
-- @window
UPDATE coupons SET uses = uses + 1 WHERE id = :coupon;
INSERT INTO redemptions (customer_id, coupon_id) VALUES (:customer, :coupon);

-- skip-locked: lock the first free seat nobody holds (FOR UPDATE SKIP LOCKED).
-- With --any-seat, buyers take different seats instead of queuing; held seats skipped.
-- @retry deadlock, lock_timeout up to 5 times, backoff 1ms..50ms
START TRANSACTION;
SELECT id AS picked FROM seats
  WHERE (:any_seat = 1 OR id = :seat) AND status = 'available'
  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
-- @require found else unavailable
-- @window
UPDATE seats SET status = 'reserved', booked_by = :user WHERE id = :picked;
INSERT INTO bookings (seat_id, user_id) VALUES (:picked, :user);
COMMIT;

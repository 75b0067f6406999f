-- nowait: lock the seat FOR UPDATE NOWAIT; a held seat fails at once, retried.
-- Nobody queues on a lock: NOWAIT fails with lock_timeout (MariaDB 1205, PostgreSQL 55P03): busy.
-- @retry busy up to 20 times, backoff 1ms..20ms
START TRANSACTION;
SELECT id AS picked FROM seats
  WHERE (:any_seat = 1 OR id = :seat) AND status = 'available'
  ORDER BY id LIMIT 1 FOR UPDATE NOWAIT;
-- @on lock_timeout busy
-- @require found else unavailable
-- @window
UPDATE seats SET status = 'reserved', booked_by = :user WHERE id = :picked;
INSERT INTO bookings (seat_id, user_id) VALUES (:picked, :user);
COMMIT;

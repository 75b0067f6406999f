-- nowait: lock the seat FOR UPDATE NOWAIT; a held seat fails at once, retried.
-- Nobody queues on a lock: MariaDB answers NOWAIT with error 1205, mapped to busy.
-- @retry busy up to 20 times, backoff 1ms..20ms
START TRANSACTION;
SELECT id AS picked FROM seats
  WHERE (:any_seat = 1 OR id = :seat) AND status = 'available'
  ORDER BY id LIMIT 1 FOR UPDATE NOWAIT;
-- @on 1205 busy
-- @require found else unavailable
-- @window
UPDATE seats SET status = 'reserved', booked_by = :user WHERE id = :picked;
INSERT INTO bookings (seat_id, user_id) VALUES (:picked, :user);
COMMIT;

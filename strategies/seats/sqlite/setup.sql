-- seats on SQLite: the setup in its DDL (the parameters, invariants and strategies are
-- shared: strategies/seats/scenario.sql).
-- @setup
CREATE TABLE seats (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'reserved')),
  booked_by INT NULL
);
-- No UNIQUE key on seat_id, as in the shared scenario.sql.
CREATE TABLE bookings (
  id INTEGER PRIMARY KEY,
  seat_id INT NOT NULL,
  user_id INT NOT NULL
);
CREATE INDEX bookings_seat ON bookings (seat_id);
INSERT INTO seats (id)
  WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :seats)
  SELECT n FROM seq;

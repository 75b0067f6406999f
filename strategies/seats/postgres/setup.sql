-- seats on PostgreSQL: the setup in its DDL (the parameters, invariants and strategies are
-- shared: strategies/seats/scenario.sql).
-- @setup
CREATE TABLE seats (
  id INT PRIMARY KEY,
  status VARCHAR(9) NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'reserved')),
  booked_by INT NULL
);
-- No UNIQUE key on seat_id, as in the shared scenario.sql.
CREATE TABLE bookings (
  id BIGSERIAL PRIMARY KEY,
  seat_id INT NOT NULL,
  user_id INT NOT NULL
);
CREATE INDEX bookings_seat ON bookings (seat_id);
INSERT INTO seats (id) SELECT n FROM generate_series(1, :seats) AS n;

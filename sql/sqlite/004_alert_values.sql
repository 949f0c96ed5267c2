-- An alert keeps the value that opened it (value), the worst value while it was open (peak_value)
-- and the value it resolved with (resolve_value), instead of overwriting value at resolve.
-- check_state remembers when an open alert was last announced: repeat notifications count from it.
-- Alerts resolved before this migration had value overwritten by the resolving value, so that is
-- what they keep as resolve_value, and their firing value and peak stay unknown.
ALTER TABLE alerts ADD COLUMN peak_value REAL NULL;
ALTER TABLE alerts ADD COLUMN resolve_value REAL NULL;
ALTER TABLE check_state ADD COLUMN last_notified_at TEXT NULL;
UPDATE alerts SET peak_value = value WHERE status = 'open' AND peak_value IS NULL;
UPDATE alerts SET resolve_value = value WHERE status = 'resolved' AND resolve_value IS NULL;

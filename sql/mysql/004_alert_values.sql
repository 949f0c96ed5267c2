-- An alert keeps the value that opened it (value), the worst value while it was open (peak_value)
-- and the value it resolved with (resolve_value), instead of overwriting value at resolve.
-- check_state remembers when an open alert was last announced: repeat notifications count from it.
-- Alerts resolved before this migration had value overwritten by the resolving value, so that is
-- what they keep as resolve_value, and their firing value and peak stay unknown.
-- One column per statement: a racing migrator's "duplicate column" (1060) is ignored
-- (syntax.ddlAlreadyApplied), and the UPDATEs only fill what is still empty.
ALTER TABLE alerts ADD COLUMN peak_value DOUBLE NULL AFTER value;
ALTER TABLE alerts ADD COLUMN resolve_value DOUBLE NULL AFTER peak_value;
ALTER TABLE check_state ADD COLUMN last_notified_at DATETIME(3) NULL;
UPDATE alerts SET peak_value = value WHERE status = 'open' AND peak_value IS NULL;
UPDATE alerts SET resolve_value = value WHERE status = 'resolved' AND resolve_value IS NULL;

-- A `monitor check` run renews its lease while it works (a heartbeat) and names itself in the row, so
-- a run on the same machine can see that the holder's process is gone and take over at once, and any
-- run can tell a holder that stopped renewing from one at work.
-- Each outbox row is claimed (a token and an expiry) before it is sent, so two runs that overlap never
-- send the same row, and a claim left by a run that died expires and the row is sent again.
-- MySQL has no ADD COLUMN IF NOT EXISTS: a racing migrator's "duplicate column" error is ignored
-- (syntax.ddlAlreadyApplied), so each change is its own statement.
ALTER TABLE leases ADD COLUMN holder_host VARCHAR(191) NULL;
ALTER TABLE leases ADD COLUMN holder_pid INT NULL;
ALTER TABLE leases ADD COLUMN acquired_at DATETIME(3) NULL;
ALTER TABLE leases ADD COLUMN renewed_at DATETIME(3) NULL;
ALTER TABLE notifications ADD COLUMN claim_token VARCHAR(191) NULL;
ALTER TABLE notifications ADD COLUMN claim_expires_at DATETIME(3) NULL;

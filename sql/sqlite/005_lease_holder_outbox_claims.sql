-- A `monitor check` run renews its lease while it works (a heartbeat) and names itself in the row, so
-- a run on the same machine can see that the holder's process is gone and take over at once, and any
-- run can tell a holder that stopped renewing from one at work.
-- Each outbox row is claimed (a token and an expiry) before it is sent, so two runs that overlap never
-- send the same row, and a claim left by a run that died expires and the row is sent again.
ALTER TABLE leases ADD COLUMN holder_host TEXT NULL;
ALTER TABLE leases ADD COLUMN holder_pid INTEGER NULL;
ALTER TABLE leases ADD COLUMN acquired_at TEXT NULL;
ALTER TABLE leases ADD COLUMN renewed_at TEXT NULL;
ALTER TABLE notifications ADD COLUMN claim_token TEXT NULL;
ALTER TABLE notifications ADD COLUMN claim_expires_at TEXT NULL;

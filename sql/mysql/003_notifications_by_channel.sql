-- The outbox is read per configured channel (oldest pending rows of each): an index led by the
-- channel lets one channel's read skip every other channel's backlog, and rows that ran out of
-- attempts. It replaces the (delivered_at, created_at, notification_id) index it makes redundant.
-- MySQL has no ADD/DROP INDEX IF [NOT] EXISTS: a racing migrator's "already done" error is ignored
-- (syntax.ddlAlreadyApplied), so each change is its own statement.
ALTER TABLE notifications ADD KEY idx_notifications_channel_pending (channel, delivered_at, created_at, notification_id);
ALTER TABLE notifications DROP KEY idx_notifications_pending;

-- The outbox is read per configured channel (oldest pending rows of each): an index led by the
-- channel lets one channel's read skip every other channel's backlog, and rows that ran out of
-- attempts. It replaces the (delivered_at, created_at, notification_id) index it makes redundant.
CREATE INDEX IF NOT EXISTS idx_notifications_channel_pending ON notifications (channel, delivered_at, created_at, notification_id);
DROP INDEX IF EXISTS idx_notifications_pending;

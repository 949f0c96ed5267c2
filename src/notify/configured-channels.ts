// The outbox channel names of a config's notifiers, for code that queues notifications without
// delivering them (sync closing alerts, `monitor alerts close`): the next `monitor check` sends them.

import type { NotifyConfig } from '../config/types.js';
import { createNotifiers } from './create-notifiers.js';
import { channelsFor } from './outbox.js';

export function configuredChannels(notify: NotifyConfig): string[] {
  return channelsFor(createNotifiers(notify));
}

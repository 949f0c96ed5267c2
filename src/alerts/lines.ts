// The transition lines: the product's signature, printed by `monitor check` and used as the text
// of every notification. For notices (flapping, flapping_end) the record's message is the check's
// current result, so "flapping ended" says where things stand now.

import type { QuietReason, TransitionRecord } from './types.js';

const QUIET_WORDS: Record<QuietReason, string> = {
  cooldown: 'in cooldown after a recent resolve',
  flapping: 'flapping',
  acknowledged: 'acknowledged',
  opened_quietly: 'its opening was not notified',
};

export function formatTransitionLine(record: TransitionRecord): string {
  const id = record.alertId === null ? '' : ` #${record.alertId}`;
  const head = `${record.checkName} - `;
  let line: string;
  switch (record.event) {
    case 'open':
      line = `🚨 NEW ALERT${id}: ${head}${record.message}`;
      // Announced late: it re-opened quietly inside the cooldown and is still open after it.
      if (record.reopenedAt) line += ` (re-opened at ${utcMinute(record.reopenedAt)}, during the cooldown)`;
      break;
    case 'repeat':
      line = `🔔 STILL ${(record.severity ?? 'open').toUpperCase()}${id}: ${head}${record.message}`;
      break;
    case 'resolve':
      line = `✅ RESOLVED: ${head}${record.message}`;
      break;
    case 'escalate':
      line = `⬆️ ESCALATED${id}: ${head}${record.message}`;
      break;
    case 'deescalate':
      line = `⬇️ DE-ESCALATED${id}: ${head}${record.message}`;
      break;
    case 'flapping':
      line = `🔀 FLAPPING: ${head}Host '${record.hostName}' is flapping; notifications paused`;
      break;
    case 'flapping_end': {
      const open = record.alertId !== null && record.status === 'open' ? `; alert${id} is open` : '';
      line = `🔁 FLAPPING ENDED: ${head}${record.message} (stable again, notifications resumed${open})`;
      break;
    }
  }
  // Quiet transitions are still printed by `monitor check`; say why nobody was told.
  if (record.notify) return line;
  return `${line} [not notified${record.quietReason ? `: ${QUIET_WORDS[record.quietReason]}` : ''}]`;
}

/** "2026-12-07 12:04 UTC": a time in a notification, readable in any time zone. */
function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

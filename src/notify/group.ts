// Alert storms: when one run makes more than alerting.group_threshold announced transitions of one
// check (10,000 hosts gone silent because the monitoring box lost its network), every channel gets
// ONE message for them — the count per kind and the first hosts — instead of one each: Slack takes
// about one message a second, and nobody reads ten thousand. The webhook and command channels get
// the same message as one JSON batch carrying every transition's own payload.

import type { NotificationPayload } from './types.js';

/** How many host names a group's message lists. */
export const GROUP_HOSTS_LISTED = 10;

const EVENT_WORDS: Record<string, [string, string]> = {
  open: ['new alert', 'new alerts'],
  resolve: ['resolved', 'resolved'],
  escalate: ['escalated', 'escalated'],
  deescalate: ['de-escalated', 'de-escalated'],
  flapping: ['flapping', 'flapping'],
  flapping_end: ['flapping ended', 'flapping ended'],
  repeat: ['still firing', 'still firing'],
};

const count = (n: number) => n.toLocaleString('en');

/** One payload for many transitions of the same check, in their order. */
export function groupPayload(members: readonly NotificationPayload[]): NotificationPayload {
  const first = members[0]!;
  const byEvent = new Map<string, number>();
  for (const member of members) byEvent.set(member.event, (byEvent.get(member.event) ?? 0) + 1);
  const kinds = [...byEvent].map(([event, n]) => `${count(n)} ${(EVENT_WORDS[event] ?? [event, event])[n === 1 ? 0 : 1]}`).join(', ');
  const hosts = [...new Set(members.map((member) => member.host_name))];
  const listed = hosts.slice(0, GROUP_HOSTS_LISTED).map((host) => `'${host}'`);
  const more = hosts.length > listed.length ? ` and ${count(hosts.length - listed.length)} more` : '';
  const icon = byEvent.has('open') || byEvent.has('escalate') ? '🚨' : '✅';
  const message = `${kinds} on ${count(hosts.length)} host${hosts.length === 1 ? '' : 's'}: ${listed.join(', ')}${more}`;
  return {
    event: 'group',
    alert_id: null,
    host_name: `${count(hosts.length)} host${hosts.length === 1 ? '' : 's'}`,
    check_key: first.check_key,
    check_name: first.check_name,
    severity: members.some((member) => member.severity === 'critical')
      ? 'critical'
      : members.some((member) => member.severity === 'warning')
        ? 'warning'
        : null,
    status: null,
    message,
    value: null,
    // The first member's thresholds; each member in `transitions` carries its own host's.
    params: first.params,
    triggered_at: null,
    resolved_at: null,
    text: `${icon} ${first.check_name}: ${message}`,
    count: members.length,
    hosts: hosts.slice(0, GROUP_HOSTS_LISTED),
    transitions: [...members],
  };
}

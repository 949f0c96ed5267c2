// Alerts (`/alerts`): open first, then history, with the filters of `alerts list`; Ack and Close
// (with an optional reason) for whoever may act (a signed-in user, or "local" on a loopback-only
// server). The host page's tables come from here too.

import type { AlertJson } from '../../output/alert-view.js';
import { formatDuration } from '../../time/duration.js';
import type { Principal } from '../access.js';
import { iso, when } from '../format.js';
import { html, type Html } from '../html.js';

export interface AlertsQuery {
  host: string;
  check: string;
  status: string;
  since: string;
}

export function alertsTable(alerts: AlertJson[], principal: Principal | null, next: string, options: { showHost: boolean }): Html {
  const canAct = principal !== null && principal.kind !== 'token';
  if (alerts.length === 0) return html`<p class="empty">No alerts.</p>`;
  return html`<div class="table-wrap">
    <table class="alerts">
      <thead>
        <tr>
          <th scope="col">#</th>
          ${options.showHost ? html`<th scope="col">Host</th>` : ''}
          <th scope="col">Check</th>
          <th scope="col">Severity</th>
          <th scope="col">Status</th>
          <th scope="col">Triggered</th>
          <th scope="col">Duration</th>
          <th scope="col" class="n">Value</th>
          <th scope="col">Message</th>
          <th scope="col"><span class="sr">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${alerts.map(
          (a) =>
            html`<tr class="status-${a.status}" data-alert="${a.alert_id}">
              <td>${a.alert_id}</td>
              ${options.showHost ? html`<td><a href="/hosts/${encodeURIComponent(a.host_name)}">${a.host_name}</a></td>` : ''}
              <td>${a.check_key}</td>
              <td><span class="chip sev-${a.severity}">${a.severity}</span></td>
              <td>
                ${a.status}${a.acknowledged_at ? html` <span class="acked" title="acknowledged ${iso(a.acknowledged_at)}">acked</span>` : ''}
              </td>
              <td><time datetime="${iso(a.triggered_at)}">${when(a.triggered_at)}</time></td>
              <td>${formatDuration(a.duration_seconds * 1000)}</td>
              <td class="n">${a.value === null ? '—' : String(a.value)}</td>
              <td class="msg">${a.status === 'resolved' && a.resolve_message ? a.resolve_message : a.message}</td>
              <td>${canAct && a.status === 'open' ? actions(a, principal.csrf, next) : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function actions(a: AlertJson, csrf: string, next: string): Html {
  const hidden = html`<input type="hidden" name="csrf" value="${csrf}" /><input type="hidden" name="next" value="${next}" />`;
  return html`<div class="actions">
    ${
      a.acknowledged_at === null
        ? html`<form method="post" action="/alerts/${a.alert_id}/ack">${hidden}<button type="submit">Ack</button></form>`
        : ''
    }
    <form method="post" action="/alerts/${a.alert_id}/close" class="close">
      ${hidden}<input
        name="reason"
        maxlength="500"
        placeholder="reason (optional)"
        aria-label="Reason for closing alert #${a.alert_id}"
        autocomplete="off"
      /><button type="submit">Close</button>
    </form>
  </div>`;
}

export function alertsBody(alerts: AlertJson[], query: AlertsQuery, principal: Principal | null, next: string, error: string | null): Html {
  return html`<h1>Alerts</h1>
    <form class="filters" method="get" action="/alerts" role="search">
      <label>Host <input name="host" value="${query.host}" autocomplete="off" /></label>
      <label>Check <input name="check" value="${query.check}" placeholder="disk_space" autocomplete="off" /></label>
      <label
        >Status
        <select name="status">
          ${['all', 'open', 'resolved'].map((s) => html`<option${query.status === s ? html` selected` : ''}>${s}</option>`)}
        </select></label
      >
      <label>Since <input name="since" value="${query.since}" placeholder="24h" size="6" autocomplete="off" /></label>
      <button type="submit">Filter</button>
    </form>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <div id="live" data-live>${alertsLive(alerts, principal, next)}</div>`;
}

export function alertsLive(alerts: AlertJson[], principal: Principal | null, next: string): Html {
  const open = alerts.filter((a) => a.status === 'open').length;
  return html`<p class="summary"><b>${open}</b> open · ${alerts.length - open} resolved shown</p>
    ${alertsTable(alerts, principal, next, { showHost: true })}`;
}

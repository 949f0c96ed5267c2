// Fleet (`/`): every host, worst first, with counts per state, filters, paging and sparklines.

import { html, type Html } from '../html.js';
import { ago, iso, num, pct } from '../format.js';
import { HOST_STATES } from '../host-state.js';
import type { FleetHostJson, FleetJson } from '../views.js';
import { stateBadge } from './layout.js';

export const FLEET_PAGE_SIZE = 100;

export function sparkline(values: (number | null)[], label: string): Html {
  const w = 96;
  const h = 22;
  const step = w / Math.max(1, values.length - 1);
  const parts: string[] = [];
  let pen = false;
  values.forEach((value, i) => {
    if (value === null) {
      pen = false;
      return;
    }
    const y = (h - 1 - (Math.min(100, Math.max(0, value)) / 100) * (h - 2)).toFixed(1);
    parts.push(`${pen ? 'L' : 'M'}${(i * step).toFixed(1)} ${y}`);
    pen = true;
  });
  return html`<svg class="spark" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${label}">
    <path d="${parts.join(' ')}" />
  </svg>`;
}

function row(host: FleetHostJson, now: Date): Html {
  const latest = host.latest;
  const alerts = host.open_alerts;
  return html`<tr class="row-${host.state.toLowerCase()}" data-host="${host.host_name}">
    <td>${stateBadge(host.state)}</td>
    <td class="name"><a href="/hosts/${encodeURIComponent(host.host_name)}">${host.host_name}</a></td>
    <td><time datetime="${iso(host.last_seen)}">${ago(host.last_seen, now)}</time></td>
    <td class="n">${pct(latest?.cpu_pct)}</td>
    <td class="n">${pct(latest?.mem_pct)}</td>
    <td class="n disk">${pct(latest?.disk_pct)}</td>
    <td class="n">${num(latest?.load_1)}</td>
    <td class="spark-cell">${sparkline(host.spark.cpu_pct, `CPU of ${host.host_name} over 6 hours`)}</td>
    <td class="alerts">
      ${alerts.length === 0 ? '' : alerts.map((a) => html`<a class="chip sev-${a.severity}" href="/alerts?host=${encodeURIComponent(host.host_name)}" title="${a.message}">${a.check_key}</a> `)}
    </td>
  </tr>`;
}

export function fleetLive(fleet: FleetJson, query: { q: string; state: string; page: number }, now: Date): Html {
  const pages = Math.max(1, Math.ceil(fleet.total / fleet.limit));
  const link = (params: Record<string, string | number>): string => {
    const search = new URLSearchParams();
    const merged = { q: query.q, state: query.state, page: query.page, ...params };
    for (const [key, value] of Object.entries(merged)) if (value !== '' && !(key === 'page' && value === 1)) search.set(key, String(value));
    const text = search.toString();
    return text === '' ? '/' : `/?${text}`;
  };
  return html`<div class="counts" role="list" aria-label="hosts per state">
      ${HOST_STATES.map((state) => html`<a role="listitem" class="count state-${state.toLowerCase()}${query.state === state ? ' on' : ''}" href="${link({ state: query.state === state ? '' : state, page: 1 })}"><b data-count="${state}">${fleet.counts[state]}</b> ${state}</a>`)}
    </div>
    <div class="table-wrap">
      <table class="fleet">
        <colgroup>
          <col class="c-state" />
          <col class="c-name" />
          <col class="c-seen" />
          <col class="c-n" />
          <col class="c-n" />
          <col class="c-n" />
          <col class="c-n" />
          <col class="c-spark" />
          <col class="c-alerts" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Host</th>
            <th scope="col">Last seen</th>
            <th scope="col" class="n">CPU</th>
            <th scope="col" class="n">Mem</th>
            <th scope="col" class="n">Disk</th>
            <th scope="col" class="n">Load</th>
            <th scope="col">CPU 6h</th>
            <th scope="col">Open alerts</th>
          </tr>
        </thead>
        <tbody>
          ${
            fleet.hosts.length === 0
              ? html`<tr>
                  <td colspan="9" class="empty">
                    ${fleet.total === 0 && query.q === '' && query.state === '' ? 'No hosts yet: register one with `monitor hosts add NAME`.' : 'No host matches.'}
                  </td>
                </tr>`
              : fleet.hosts.map((host) => row(host, now))
          }
        </tbody>
      </table>
    </div>
    <p class="pager">
      ${fleet.total}
      host${fleet.total === 1 ? '' : 's'}${pages > 1 ? html` · page ${query.page} of ${pages} ${query.page > 1 ? html`<a href="${link({ page: query.page - 1 })}" rel="prev">previous</a>` : ''} ${query.page < pages ? html`<a href="${link({ page: query.page + 1 })}" rel="next">next</a>` : ''}` : ''}
    </p>`;
}

export function fleetBody(fleet: FleetJson, query: { q: string; state: string; page: number }, now: Date): Html {
  return html`<h1>Fleet</h1>
    <form class="filters" method="get" action="/" role="search">
      <label>Host <input type="search" name="q" value="${query.q}" placeholder="name contains…" autocomplete="off" /></label>
      <label
        >State
        <select name="state">
          <option value="">any</option>
          ${HOST_STATES.map((s) => html`<option${query.state === s ? html` selected` : ''}>${s}</option>`)}
        </select></label
      >
      <button type="submit">Filter</button>
    </form>
    <div id="live" data-live>${fleetLive(fleet, query, now)}</div>`;
}

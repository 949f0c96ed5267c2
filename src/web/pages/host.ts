// Host (`/hosts/NAME`): charts of CPU, memory, disk and load over a chosen range with the host's warn
// and crit lines and the periods its alerts were open; datasets, checks with their effective
// thresholds, and the alert history. The charts are drawn by /assets/app.js with uPlot.

import type { Principal } from '../access.js';
import { ago, iso, num, pct, when } from '../format.js';
import { html, raw, type Html } from '../html.js';
import type { HostJson } from '../views.js';
import { alertsTable } from './alerts.js';
import { stateBadge } from './layout.js';

export const RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;

const CHARTS: { metric: string; title: string }[] = [
  { metric: 'cpu_pct', title: 'CPU %' },
  { metric: 'mem_pct', title: 'Memory %' },
  { metric: 'disk_pct', title: 'Disk %' },
  { metric: 'load_1', title: 'Load (1 min)' },
];

export function hostLive(host: HostJson, principal: Principal | null, now: Date): Html {
  const latest = host.latest;
  const next = `/hosts/${encodeURIComponent(host.host_name)}`;
  return html`<dl class="facts">
      <div>
        <dt>State</dt>
        <dd>${stateBadge(host.state)}</dd>
      </div>
      <div>
        <dt>Last seen</dt>
        <dd><time datetime="${iso(host.last_seen)}">${ago(host.last_seen, now)}</time></dd>
      </div>
      <div>
        <dt>CPU</dt>
        <dd>${pct(latest?.cpu_pct)}</dd>
      </div>
      <div>
        <dt>Memory</dt>
        <dd>${pct(latest?.mem_pct)}</dd>
      </div>
      <div>
        <dt>Disk</dt>
        <dd>${pct(latest?.disk_pct)}</dd>
      </div>
      <div>
        <dt>Load</dt>
        <dd>${num(latest?.load_1)}</dd>
      </div>
    </dl>
    <h2>Open alerts</h2>
    ${alertsTable(host.open_alerts, principal, next, { showHost: false })}
    <h2>Datasets</h2>
    ${
      host.datasets.length === 0
        ? html`<p class="empty">No pipeline datasets reported.</p>`
        : html`<div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Dataset</th>
                  <th scope="col">Partition</th>
                  <th scope="col" class="n">Files</th>
                  <th scope="col">Last event</th>
                  <th scope="col">Reported</th>
                </tr>
              </thead>
              <tbody>
                ${host.datasets.map(
                  (d) =>
                    html`<tr>
                      <td>${d.dataset_name}</td>
                      <td>${d.partition_key ?? '—'}</td>
                      <td class="n">${d.files_count ?? '—'}</td>
                      <td><time datetime="${iso(d.last_event_at)}">${when(d.last_event_at)}</time></td>
                      <td><time datetime="${iso(d.collected_at)}">${ago(d.collected_at, now)}</time></td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <h2>Checks</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Function</th>
            <th scope="col">Enabled</th>
            <th scope="col">Thresholds (* = set for this host)</th>
          </tr>
        </thead>
        <tbody>
          ${host.checks.map(
            (c) =>
              html`<tr${c.enabled ? '' : html` class="off"`}><td title="${c.check_name}">${c.check_key}</td><td>${c.function_name}</td><td>${c.enabled ? 'yes' : 'no'}</td><td class="params">${Object.entries(c.params).map(([k, v]) => html`<code>${k}=${String(v)}${k in c.overrides ? '*' : ''}</code> `)}</td></tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h2>Alert history</h2>
    ${alertsTable(host.alerts, principal, next, { showHost: false })}`;
}

export function hostBody(host: HostJson, range: string, principal: Principal | null, now: Date): Html {
  // The page's script reads thresholds and alert periods from here; </script> cannot occur in JSON.stringify output once '<' is escaped.
  const data = JSON.stringify({
    host_name: host.host_name,
    thresholds: host.thresholds,
    alerts: host.alerts.map((a) => ({ check_key: a.check_key, severity: a.severity, from: a.triggered_at, to: a.resolved_at })),
  }).replace(/</g, '\\u003c');
  return html`<h1><a href="/" class="up" aria-label="back to the fleet">Fleet</a> / ${host.host_name}</h1>
    ${host.description ? html`<p class="desc">${host.description}</p>` : ''}
    <div id="live" data-live>${hostLive(host, principal, now)}</div>
    <h2 id="charts">History</h2>
    <nav class="ranges" aria-label="time range">
      ${RANGES.map((r) => html`<a href="?range=${r}#charts" data-range="${r}" ${r === range ? html` aria-current="true"` : ''}>${r}</a>`)}
    </nav>
    <div class="charts" data-host="${host.host_name}" data-range="${range}">
      ${CHARTS.map(
        (c) =>
          html`<figure class="chart" data-metric="${c.metric}">
            <figcaption>${c.title}</figcaption>
            <div class="plot" aria-label="${c.title} chart"></div>
          </figure>`,
      )}
    </div>
    <script type="application/json" id="host-data">
      ${raw(data)}
    </script>`;
}

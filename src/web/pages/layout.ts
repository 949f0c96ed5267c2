// The frame every page shares: header with navigation and who is signed in, the live region the
// script refreshes, and the assets (served by this package: no CDN, works offline).

import { html, type Html } from '../html.js';
import type { Principal } from '../access.js';

export interface PageFrame {
  title: string;
  active: 'fleet' | 'alerts' | 'host' | 'login';
  principal: Principal | null;
  body: Html;
  /** Extra tags for <head> (the host page's uPlot). */
  head?: Html;
  /** Seconds between live refreshes; 0 = none. */
  refreshSeconds?: number;
}

export function page(frame: PageFrame): Html {
  const p = frame.principal;
  const who =
    p === null || p.kind === 'token'
      ? null
      : p.kind === 'local'
        ? html`<span class="who" title="serve listens on loopback only and no users are configured">local</span>`
        : html`<form method="post" action="/logout" class="who">
            <span>${p.name}</span><input type="hidden" name="csrf" value="${p.csrf}" /><button type="submit" class="link">Sign out</button>
          </form>`;
  const nav = (key: PageFrame['active'], href: string, label: string): Html =>
    html`<a href="${href}" ${frame.active === key ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <link rel="icon" href="data:," />
        <title>${frame.title} · monitor</title>
        <link rel="stylesheet" href="/assets/app.css" />
        ${frame.head ?? ''}
        <script src="/assets/app.js" defer></script>
      </head>
      <body data-refresh="${frame.refreshSeconds ?? 0}">
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <strong class="brand">monitor</strong>
          ${frame.active === 'login' ? '' : html`<nav>${nav('fleet', '/', 'Fleet')}${nav('alerts', '/alerts', 'Alerts')}</nav>`}
          ${who ?? ''}
        </header>
        <main id="main" tabindex="-1">${frame.body}</main>
      </body>
    </html>`;
}

export function stateBadge(state: string): Html {
  return html`<span class="badge state-${state.toLowerCase()}">${state}</span>`;
}

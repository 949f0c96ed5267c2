// The dashboard's keys in the `server` section: dashboard, dashboard_listen, users, api_tokens.

import { apiTokenHashProblem, passwordHashProblem } from '../web/password.js';
import { isEmpty, readBoolean, readMap, readString, type Problems, type Section } from './fields.js';
import type { KeyPath } from './key-path.js';
import { parseListen } from './listen.js';
import type { ServerConfig } from './types.js';

/** Dashboard user names: letters, digits and . _ - (they appear in cookies and YAML keys). */
const USER_KEYS = ['password_hash'];
const USER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function readDashboardSettings(
  p: Problems,
  at: KeyPath,
  s: Section,
  fallback: ServerConfig,
): Pick<ServerConfig, 'dashboard' | 'dashboardListen' | 'users' | 'apiTokens'> {
  let dashboardListen = fallback.dashboardListen ?? null;
  const listenNode = s.get('dashboard_listen');
  if (!isEmpty(listenNode)) {
    const text =
      listenNode.kind === 'scalar' && typeof listenNode.value === 'number'
        ? `:${listenNode.value}`
        : readString(p, [...at, 'dashboard_listen'], listenNode);
    if (text !== null) {
      const parsed = parseListen(text);
      if ('error' in parsed) p.add([...at, 'dashboard_listen'], parsed.error);
      else dashboardListen = parsed;
    }
  }
  const users: ServerConfig['users'] = { ...fallback.users };
  for (const [name, node] of readMap(p, [...at, 'users'], s.get('users'), null)) {
    const path = [...at, 'users', name];
    if (!USER_NAME.test(name)) {
      p.add(path, `user name '${name}' must be 1-64 letters, digits, '.', '_' or '-'`);
      continue;
    }
    const user = readMap(p, path, node, USER_KEYS);
    const hash = readString(p, [...path, 'password_hash'], user.get('password_hash'));
    if (hash === null) {
      p.add(path, `missing password_hash; set it with \`monitor users add ${name}\``);
      continue;
    }
    const problem = passwordHashProblem(hash);
    if (problem !== null) p.add([...path, 'password_hash'], problem);
    else users[name] = { passwordHash: hash };
  }
  const apiTokens: ServerConfig['apiTokens'] = { ...fallback.apiTokens };
  for (const [name, node] of readMap(p, [...at, 'api_tokens'], s.get('api_tokens'), null)) {
    const hash = readString(p, [...at, 'api_tokens', name], node);
    if (hash === null) continue;
    const problem = apiTokenHashProblem(hash);
    if (problem !== null) p.add([...at, 'api_tokens', name], problem);
    else apiTokens[name] = hash;
  }
  // Only what the file sets: absent keys stay absent (their defaults apply where they are used).
  const out: Pick<ServerConfig, 'dashboard' | 'dashboardListen' | 'users' | 'apiTokens'> = {};
  if (!isEmpty(s.get('dashboard')) || fallback.dashboard !== undefined)
    out.dashboard = readBoolean(p, [...at, 'dashboard'], s.get('dashboard'), fallback.dashboard ?? true);
  if (dashboardListen !== null) out.dashboardListen = dashboardListen;
  if (Object.keys(users).length > 0) out.users = users;
  if (Object.keys(apiTokens).length > 0) out.apiTokens = apiTokens;
  return out;
}

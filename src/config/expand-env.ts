// `${VAR}` and `${VAR:-default}` inside config strings, the way shells and docker-compose do it, so
// secrets stay in the environment (a systemd EnvironmentFile, a CI secret) and out of the YAML.
// `$${` writes a literal `${`. A bare `$VAR` is left alone: URLs and passwords contain dollars.

import type { Env } from './locate.js';

export type Expansion = { ok: true; text: string; expanded: boolean } | { ok: false; problems: string[] };

const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function expandEnv(text: string, env: Env): Expansion {
  if (!text.includes('${')) return { ok: true, text, expanded: false };
  const problems: string[] = [];
  const result = text.replace(REFERENCE, (whole: string, inner: string | undefined) => {
    if (whole === '$${') return '${';
    if (inner === undefined) {
      problems.push(`unclosed '\${' in '${text}'`);
      return whole;
    }
    const split = inner.indexOf(':-');
    const name = split === -1 ? inner : inner.slice(0, split);
    if (!NAME.test(name)) {
      problems.push(`'${whole}' is not a variable reference (write \${NAME} or \${NAME:-default})`);
      return whole;
    }
    const value = env[name];
    // `:-` as in the shell: the default also replaces a variable that is set but empty.
    if (split !== -1) return value ? value : inner.slice(split + 2);
    if (value === undefined) {
      problems.push(`environment variable ${name} is not set (write \${${name}:-} to allow it to be empty)`);
      return whole;
    }
    return value;
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, text: result, expanded: true };
}

/**
 * What an expanded plain (unquoted) scalar means, by YAML 1.2 core rules: `port: ${SMTP_PORT:-587}`
 * is the number 587 and `slack: ${SLACK_WEBHOOK_URL:-}` is null, exactly as if written out.
 * Quoted scalars stay strings.
 */
export function resolvePlainScalar(text: string): string | number | boolean | null {
  if (text === '' || text === '~' || /^(?:null|Null|NULL)$/.test(text)) return null;
  if (/^(?:true|True|TRUE)$/.test(text)) return true;
  if (/^(?:false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?(?:\d+|\d*\.\d+|\d+\.\d*)(?:[eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}

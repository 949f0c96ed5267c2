import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { defaultConfigFile } from '../../config/locate.js';
import { setConfigValue } from '../../config/write.js';
import { printJson } from '../../output/json.js';

const TOKEN_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export interface UsersTokenResult {
  file: string;
  name: string;
  token: string;
}

/**
 * `monitor users token NAME`: a new read-only API token for scripts and Grafana (GET /api/v1/…
 * with `Authorization: Bearer TOKEN`). Printed once; only its SHA-256 goes to
 * `server.api_tokens.NAME`. Reusing a name replaces (revokes) the old token.
 */
export async function usersToken(ctx: Context, name: string, options: { json?: boolean }): Promise<UsersTokenResult> {
  if (!TOKEN_NAME.test(name)) throw new UsageError(`token name '${name.slice(0, 80)}' must be 1-64 letters, digits, '.', '_' or '-'`);
  const { hashApiToken, newApiToken } = await import('../../web/password.js');
  const token = newApiToken();
  const file = ctx.config.file ?? defaultConfigFile({ env: ctx.env, homedir: ctx.homedir });
  await setConfigValue(file, ['server', 'api_tokens', name], hashApiToken(token));
  const result = { file, name, token };
  if (options.json) printJson(ctx.out, result);
  else {
    ctx.out.write(`${token}\n`);
    ctx.out.error(
      `Read-only API token '${name}' written (as a hash) to ${file}; it is shown only now. Restart \`monitor serve\` to apply.\n`,
    );
  }
  return result;
}

import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { defaultConfigFile } from '../../config/locate.js';
import { setConfigValue } from '../../config/write.js';
import { printJson } from '../../output/json.js';

export const MIN_PASSWORD_LENGTH = 10;
const USER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export interface UsersAddResult {
  file: string;
  user: string;
  replaced: boolean;
}

/**
 * `monitor users add NAME`: asks for a password and writes its scrypt hash to
 * `server.users.NAME.password_hash` in the config file (comments kept). An existing user gets the
 * new password, which also ends that user's sessions.
 */
export async function usersAdd(ctx: Context, name: string, options: { json?: boolean }): Promise<UsersAddResult> {
  if (!USER_NAME.test(name)) throw new UsageError(`user name '${name.slice(0, 80)}' must be 1-64 letters, digits, '.', '_' or '-'`);
  const { readPassword } = await import('../../web/password-prompt.js');
  const { password, repeated } = await readPassword(ctx.input, ctx.out);
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new UsageError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters; nothing was changed`);
  if (repeated !== null && repeated !== password) throw new UsageError('the two passwords differ; nothing was changed');
  const { hashPassword } = await import('../../web/password.js');
  const hash = await hashPassword(password);
  const file = ctx.config.file ?? defaultConfigFile({ env: ctx.env, homedir: ctx.homedir });
  const replaced = Boolean(ctx.config.server.users?.[name]);
  await setConfigValue(file, ['server', 'users', name, 'password_hash'], hash);
  const result = { file, user: name, replaced };
  if (options.json) printJson(ctx.out, result);
  else
    ctx.out.write(
      `${replaced ? 'Changed the password of' : 'Added'} dashboard user '${name}' in ${file}. Restart \`monitor serve\` to apply.\n`,
    );
  return result;
}

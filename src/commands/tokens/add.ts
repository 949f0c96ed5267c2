import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { UsageError } from '../../errors.js';
import { generateRegistrationToken, hashRegistrationToken } from '../../hosts/self-register.js';
import { printJson } from '../../output/json.js';
import { makeChalk } from '../../output/colour.js';

export interface TokensAddOptions {
  /** Milliseconds from now (the --expires duration). */
  expires?: number;
  allowReregister?: boolean;
  json?: boolean;
}

export interface TokensAddResult {
  name: string;
  token: string;
  expires_at: Date | null;
  allow_reregister: boolean;
}

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** `monitor tokens add NAME`: a registration token for agents, printed once (only its hash is stored). */
export async function tokensAdd(ctx: Context, name: string, options: TokensAddOptions): Promise<TokensAddResult> {
  if (!TOKEN_NAME.test(name)) {
    throw new UsageError(
      `token name '${name}' may hold only letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`,
    );
  }
  const now = ctx.clock.now();
  const token = generateRegistrationToken();
  const expiresAt = options.expires === undefined ? null : new Date(now.getTime() + options.expires);
  await withStore(ctx, (store) =>
    store.addRegistrationToken({
      name,
      tokenHash: hashRegistrationToken(token),
      createdAt: now,
      expiresAt,
      allowReregister: Boolean(options.allowReregister),
    }),
  );
  const result: TokensAddResult = { name, token, expires_at: expiresAt, allow_reregister: Boolean(options.allowReregister) };
  if (options.json) {
    printJson(ctx.out, result);
    return result;
  }
  const chalk = makeChalk(ctx.out.color);
  ctx.out.write(
    [
      `Added registration token '${name}'${expiresAt ? `, valid until ${expiresAt.toISOString()}` : ''}${options.allowReregister ? ', allowed to re-register existing host names' : ''}.`,
      `Token (shown only once — store it now): ${chalk.bold(token)}`,
      `On a new host: monitor agent install --server URL --name NAME --token ${token}`,
      `  or set agent.registration_token (MONITOR_REGISTRATION_TOKEN): its first collect registers it and saves its own key.`,
      '',
    ].join('\n'),
  );
  return result;
}

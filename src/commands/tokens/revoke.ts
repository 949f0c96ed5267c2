import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { NotFoundError } from '../../errors.js';
import { printJson } from '../../output/json.js';

/** `monitor tokens revoke NAME`: agents can no longer register with it; hosts it registered keep their keys. */
export async function tokensRevoke(ctx: Context, name: string, options: { json?: boolean }): Promise<{ name: string; revoked_at: Date }> {
  const now = ctx.clock.now();
  const revoked = await withStore(ctx, (store) => store.revokeRegistrationToken(name, now));
  if (!revoked) {
    throw new NotFoundError(`no valid registration token named '${name}'`, {
      hint: 'see `monitor tokens list` (a revoked token stays listed as revoked)',
    });
  }
  const result = { name, revoked_at: now };
  if (options.json) printJson(ctx.out, result);
  else
    ctx.out.write(`Revoked registration token '${name}': agents can no longer register with it (hosts it registered keep their keys).\n`);
  return result;
}

import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { makeChalk } from '../../output/colour.js';
import { printJson } from '../../output/json.js';
import { renderTable } from '../../output/table.js';
import { formatTimeWithAge } from '../../output/time-format.js';
import type { RegistrationToken } from '../../store/types.js';
import { registrationTokenStatus } from '../../hosts/self-register.js';

export interface TokenListRow {
  name: string;
  status: 'valid' | 'expired' | 'revoked';
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  allow_reregister: boolean;
  uses: number;
  last_used_at: Date | null;
}

/** `monitor tokens list`: every registration token (never the token itself), revoked and expired too. */
export async function tokensList(ctx: Context, options: { json?: boolean }): Promise<TokenListRow[]> {
  const now = ctx.clock.now();
  const rows = (await withStore(ctx, (store) => store.listRegistrationTokens())).map((token) => toRow(token, now));
  if (options.json) {
    printJson(ctx.out, rows);
    return rows;
  }
  if (rows.length === 0) {
    ctx.out.write('No registration tokens. Make one with `monitor tokens add NAME`.\n');
    return rows;
  }
  const chalk = makeChalk(ctx.out.color);
  ctx.out.write(
    renderTable(
      rows,
      [
        { header: 'NAME', value: (row) => row.name },
        {
          header: 'STATUS',
          value: (row) => row.status,
          style: (text, row) => (row.status === 'valid' ? chalk.green(text) : chalk.yellow(text)),
        },
        { header: 'EXPIRES', value: (row) => (row.expires_at ? formatTimeWithAge(row.expires_at, now, ctx.env.TZ) : 'never') },
        { header: 'RE-REGISTER', value: (row) => (row.allow_reregister ? 'yes' : 'no') },
        { header: 'USES', value: (row) => String(row.uses), align: 'right' },
        { header: 'LAST USED', value: (row) => formatTimeWithAge(row.last_used_at, now, ctx.env.TZ) },
      ],
      chalk,
    ),
  );
  return rows;
}

function toRow(token: RegistrationToken, now: Date): TokenListRow {
  return {
    name: token.name,
    status: registrationTokenStatus(token, now),
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    revoked_at: token.revokedAt,
    allow_reregister: token.allowReregister,
    uses: token.uses,
    last_used_at: token.lastUsedAt,
  };
}

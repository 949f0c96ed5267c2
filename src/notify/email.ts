// Email over SMTP through nodemailer. nodemailer is imported on first send, not with this module:
// `monitor check` runs every few minutes and should not load a mail stack when email is not configured.

import type { EmailConfig } from '../config/types.js';
import { UnavailableError } from '../errors.js';
import type { NotificationPayload, Notifier } from './types.js';
import { thresholdText } from './threshold-text.js';

type Transporter = Awaited<ReturnType<typeof openTransport>>;

export function createEmailNotifier(config: EmailConfig, channel = 'email'): Notifier {
  const what = `${channel} (smtp://${config.host}:${config.port})`;
  let transporter: Transporter | null = null;
  return {
    channel,
    async send(payload: NotificationPayload): Promise<void> {
      transporter ??= await openTransport(config);
      const mail = {
        from: config.from,
        to: config.to,
        subject: payload.text,
        text: emailBody(payload),
      };
      // nodemailer's timeouts are per phase (connect, greeting, each command); this bounds the whole
      // exchange, as the Notifier contract asks. A late socket is closed by socketTimeout afterwards.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new UnavailableError(`${what}: no answer within ${config.timeoutMs}ms`)), config.timeoutMs);
      });
      try {
        // A partial rejection (some recipients accepted) counts as delivered: retrying would mail the
        // accepted ones again. A rejection of every recipient throws (EENVELOPE) and is retried.
        await Promise.race([transporter.sendMail(mail), deadline]);
      } catch (error) {
        if (error instanceof UnavailableError) throw error;
        throw new UnavailableError(`${what}: ${describeSmtpError(error)}`, { cause: error });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function openTransport(config: EmailConfig) {
  const { createTransport } = await import('nodemailer');
  return createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    // Without TLS from the start, STARTTLS is required: a server that does not offer it (or a
    // man in the middle who strips the offer) must not get the password or the mail in the clear.
    requireTLS: !config.secure && !config.insecure,
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
}

/** Plain text: the fields people scan for, then the payload as JSON for anything that parses mail. */
export function emailBody(payload: NotificationPayload): string {
  const rows: [string, string][] = [
    ['Host', payload.host_name],
    ['Check', `${payload.check_name} (${payload.check_key})`],
    ['Event', payload.event],
    ['Severity', payload.severity ?? '-'],
    ['Status', payload.status ?? '-'],
    ['Value', payload.value === null ? '-' : String(payload.value)],
    ['Thresholds', thresholdText(payload.params) || '-'],
    ['Alert', payload.alert_id === null ? '-' : `#${payload.alert_id}`],
    ['Triggered', payload.triggered_at ?? '-'],
    ['Resolved', payload.resolved_at ?? '-'],
    ['Message', payload.message],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return [
    payload.text,
    '',
    ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    'Payload (JSON):',
    JSON.stringify(payload, null, 2),
    '',
  ].join('\n');
}

// nodemailer errors carry the SMTP reply ("550 5.1.1 mailbox unavailable") in `response` and a code
// such as ECONNECTION or EENVELOPE; the message alone is often just "Connection refused".
function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, response } = error as Error & { code?: string; response?: string };
  if (code === 'ETLS' || /STARTTLS/i.test(error.message)) {
    return `${error.message} (STARTTLS is required unless notify.email.secure or notify.email.insecure is set; nothing was sent)`;
  }
  const parts = [error.message];
  if (response && !error.message.includes(response)) parts.push(response);
  if (code) parts.push(`(${code})`);
  return parts.join(' ');
}

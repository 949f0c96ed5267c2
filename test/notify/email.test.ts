import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmailConfig } from '../../src/config/types.js';
import { UnavailableError } from '../../src/errors.js';
import { createEmailNotifier } from '../../src/notify/email.js';
import { closedPort } from '../support/network.js';
import { samplePayload } from './fixtures/payload.js';
import { body, header, startSmtp, type SmtpEndpoint } from './fixtures/smtp.js';
import { listenOnLoopback } from '../support/network.js';

let smtp: SmtpEndpoint | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

function emailConfig(port: number, overrides: Partial<EmailConfig> = {}): EmailConfig {
  return {
    host: '127.0.0.1',
    port,
    secure: false,
    // The fixture is a plaintext local relay (no STARTTLS), which only insecure: true may use.
    insecure: true,
    user: null,
    password: null,
    from: 'monitor@example.com',
    to: ['ops@example.com', 'oncall@example.com'],
    timeoutMs: 3000,
    ...overrides,
  };
}

describe('email notifier', () => {
  it('requires STARTTLS without secure or insecure: a server that withholds it never receives the password, nor the mail', async () => {
    smtp = await startSmtp({ auth: { user: 'monitor', pass: 'smtp-canary-4711' } });
    const notifier = createEmailNotifier(emailConfig(smtp.port, { insecure: false, user: 'monitor', password: 'smtp-canary-4711' }));

    const error = await notifier.send(samplePayload()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/STARTTLS is required unless notify\.email\.secure or notify\.email\.insecure is set/);
    expect((error as Error).message).not.toContain('smtp-canary-4711');
    expect(smtp.auths).toEqual([]);
    expect(smtp.messages).toEqual([]);
  });

  it('with insecure: true logs in over plaintext (the old behaviour, now explicit)', async () => {
    smtp = await startSmtp({ auth: { user: 'monitor', pass: 'hunter2' } });
    await createEmailNotifier(emailConfig(smtp.port, { insecure: true, user: 'monitor', password: 'hunter2' })).send(samplePayload());
    expect(smtp.auths).toEqual([{ user: 'monitor', pass: 'hunter2' }]);
    expect(smtp.messages).toHaveLength(1);
  });

  it('sends one mail to every recipient with the console line as subject and the fields in the body', async () => {
    smtp = await startSmtp();
    const notifier = createEmailNotifier(emailConfig(smtp.port));

    await notifier.send(samplePayload());

    expect(notifier.channel).toBe('email');
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail!.from).toBe('monitor@example.com');
    expect(mail!.to).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(header(mail!.raw, 'Subject')).toBe(samplePayload().text);
    const text = body(mail!.raw);
    expect(text).toMatch(/^Host:\s+storage-server-04$/m);
    expect(text).toMatch(/^Check:\s+Disk Space \(disk_space\)$/m);
    expect(text).toMatch(/^Severity:\s+critical$/m);
    const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
    expect(JSON.parse(json)).toEqual(samplePayload());
  });

  it('logs in when a user is configured', async () => {
    smtp = await startSmtp({ auth: { user: 'monitor', pass: 'hunter2' } });
    const notifier = createEmailNotifier(emailConfig(smtp.port, { user: 'monitor', password: 'hunter2' }));

    await notifier.send(samplePayload());

    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.user).toBe('monitor');
  });

  it("fails, with the server's reply, when the credentials are wrong", async () => {
    smtp = await startSmtp({ auth: { user: 'monitor', pass: 'hunter2' } });
    const notifier = createEmailNotifier(emailConfig(smtp.port, { user: 'monitor', password: 'wrong' }));

    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('EAUTH');
    expect(smtp.messages).toHaveLength(0);
  });

  it('sends several notifications through the same notifier', async () => {
    smtp = await startSmtp();
    const notifier = createEmailNotifier(emailConfig(smtp.port));

    await notifier.send(samplePayload());
    await notifier.send(
      samplePayload({ event: 'resolve', text: "✅ RESOLVED: Disk Space - Host 'storage-server-04' disk usage normal: 45%" }),
    );

    expect(smtp.messages.map((mail) => header(mail.raw, 'Subject'))).toEqual([
      samplePayload().text,
      "✅ RESOLVED: Disk Space - Host 'storage-server-04' disk usage normal: 45%",
    ]);
  });

  it('fails with the 550 reply when the server refuses the recipients', async () => {
    smtp = await startSmtp({ refuseRecipients: true });
    const notifier = createEmailNotifier(emailConfig(smtp.port));

    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('550');
    expect((error as Error).message).toContain(`email (smtp://127.0.0.1:${smtp.port})`);
    expect(smtp.messages).toHaveLength(0);
  });

  it('fails when nothing listens on the SMTP port', async () => {
    const port = await closedPort();
    const notifier = createEmailNotifier(emailConfig(port));

    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('gives up within timeoutMs on a server that accepts the connection but never greets', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    const port = await listenOnLoopback(silent);
    try {
      const notifier = createEmailNotifier(emailConfig(port, { timeoutMs: 300 }));
      const started = Date.now();

      const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(UnavailableError);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

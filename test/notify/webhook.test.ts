import { afterEach, describe, expect, it } from 'vitest';
import { RejectedError, UnavailableError } from '../../src/errors.js';
import { createWebhookNotifier } from '../../src/notify/webhook.js';
import { closedPort } from '../support/network.js';
import { startEndpoint, type HttpEndpoint } from './fixtures/http-endpoint.js';
import { samplePayload } from './fixtures/payload.js';

let endpoint: HttpEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

describe('webhook notifier', () => {
  it('POSTs the payload as JSON with the configured headers', async () => {
    endpoint = await startEndpoint({ status: 204 });
    const notifier = createWebhookNotifier(
      { url: `${endpoint.url}/hooks/monitor`, headers: { Authorization: 'Bearer s3cret', 'X-Team': 'ops' }, timeoutMs: 2000 },
      'webhook:0',
    );

    await notifier.send(samplePayload());

    expect(notifier.channel).toBe('webhook:0');
    expect(endpoint.requests).toHaveLength(1);
    const [request] = endpoint.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hooks/monitor');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers.authorization).toBe('Bearer s3cret');
    expect(request!.headers['x-team']).toBe('ops');
    expect(JSON.parse(request!.body)).toEqual(samplePayload());
  });

  it('treats any 2xx as delivered', async () => {
    endpoint = await startEndpoint({ status: 200, body: 'thanks' });
    const notifier = createWebhookNotifier({ url: endpoint.url, headers: {}, timeoutMs: 2000 }, 'webhook:0');
    await expect(notifier.send(samplePayload())).resolves.toBeUndefined();
    endpoint.reply({ status: 202 });
    await expect(notifier.send(samplePayload())).resolves.toBeUndefined();
    expect(endpoint.requests).toHaveLength(2);
  });

  it('fails on HTTP 500, naming the status and the origin but not the secret path', async () => {
    endpoint = await startEndpoint({ status: 500, body: 'database exploded' });
    const notifier = createWebhookNotifier({ url: `${endpoint.url}/T0K3N`, headers: {}, timeoutMs: 2000 }, 'webhook:1');

    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('HTTP 500');
    expect((error as Error).message).toContain('database exploded');
    expect((error as Error).message).toContain(`webhook:1 (${endpoint.url})`);
    expect((error as Error).message).not.toContain('T0K3N');
  });

  it('fails on HTTP 4xx with a RejectedError carrying the status', async () => {
    endpoint = await startEndpoint({ status: 401, body: 'bad token' });
    const notifier = createWebhookNotifier({ url: endpoint.url, headers: {}, timeoutMs: 2000 }, 'webhook:0');

    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RejectedError);
    expect((error as RejectedError).status).toBe(401);
    expect((error as Error).message).toContain('HTTP 401: bad token');
  });

  it('gives up on an endpoint that does not answer within timeoutMs', async () => {
    endpoint = await startEndpoint('hang');
    const notifier = createWebhookNotifier({ url: endpoint.url, headers: {}, timeoutMs: 300 }, 'webhook:0');

    const started = Date.now();
    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('no answer within 300ms');
    expect(endpoint.requests).toHaveLength(1);
    // Generous bound: the point is that it does not wait for the server, which never answers.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fails with the network reason when nothing listens', async () => {
    const port = await closedPort();
    const notifier = createWebhookNotifier({ url: `http://127.0.0.1:${port}/x`, headers: {}, timeoutMs: 2000 }, 'webhook:0');

    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});

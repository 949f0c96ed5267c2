import { afterEach, describe, expect, it } from 'vitest';
import { RejectedError, UnavailableError } from '../../src/errors.js';
import { createSlackNotifier } from '../../src/notify/slack.js';
import { startEndpoint, type HttpEndpoint, type RecordedRequest } from './fixtures/http-endpoint.js';
import { samplePayload } from './fixtures/payload.js';

let endpoint: HttpEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

// Answers the way Slack's incoming webhooks do: "ok", or a status with an error word as the body.
function slackLike(request: RecordedRequest) {
  if (!request.path.startsWith('/services/T000/B000/')) return { status: 404, body: 'no_service' };
  try {
    const body = JSON.parse(request.body) as { text?: unknown };
    if (typeof body.text !== 'string' || body.text === '') return { status: 400, body: 'no_text' };
  } catch {
    return { status: 400, body: 'invalid_payload' };
  }
  return { status: 200, body: 'ok' };
}

interface SlackBody {
  text: string;
  blocks: { type: string; text?: { text: string }; fields?: { type: string; text: string }[] }[];
}

describe('slack notifier', () => {
  it('posts the console line as text and host, check and severity as block fields', async () => {
    endpoint = await startEndpoint();
    endpoint.reply(slackLike);
    const notifier = createSlackNotifier({ webhookUrl: `${endpoint.url}/services/T000/B000/XXXX`, timeoutMs: 2000 });

    await notifier.send(samplePayload());

    expect(notifier.channel).toBe('slack');
    expect(endpoint.requests).toHaveLength(1);
    const body = JSON.parse(endpoint.requests[0]!.body) as SlackBody;
    expect(body.text).toBe(samplePayload().text);
    expect(body.blocks[0]!.text!.text).toBe(samplePayload().text);
    const fields = body.blocks[1]!.fields!.map((field) => field.text);
    expect(fields).toEqual(
      expect.arrayContaining(['*Host*\nstorage-server-04', '*Check*\nDisk Space', '*Severity*\ncritical', '*Value*\n92']),
    );
  });

  it('escapes <, > and & so a message cannot mention @channel or forge links', async () => {
    endpoint = await startEndpoint();
    endpoint.reply(slackLike);
    const notifier = createSlackNotifier({ webhookUrl: `${endpoint.url}/services/T000/B000/XXXX`, timeoutMs: 2000 });

    await notifier.send(samplePayload({ text: 'disk <!channel> & <http://evil|click>', host_name: 'a<b>' }));

    const body = JSON.parse(endpoint.requests[0]!.body) as SlackBody;
    expect(body.text).toBe('disk &lt;!channel&gt; &amp; &lt;http://evil|click&gt;');
    expect(body.blocks[1]!.fields![0]!.text).toBe('*Host*\na&lt;b&gt;');
  });

  it("fails with Slack's error word on a non-2xx answer, without printing the secret URL", async () => {
    endpoint = await startEndpoint();
    endpoint.reply(slackLike);
    const notifier = createSlackNotifier({ webhookUrl: `${endpoint.url}/services/WRONG/SECRET`, timeoutMs: 2000 });

    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RejectedError);
    expect((error as Error).message).toContain('HTTP 404: no_service');
    expect((error as Error).message).not.toContain('SECRET');
    expect((error as Error).message).not.toContain(endpoint.url);
  });

  it('fails when a 200 answer is not "ok" (not a Slack webhook at that URL)', async () => {
    endpoint = await startEndpoint({ status: 200, body: '<html>login page</html>' });
    const notifier = createSlackNotifier({ webhookUrl: endpoint.url, timeoutMs: 2000 });

    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('HTTP 200: <html>login page</html>');
  });

  it('fails on a 500 from Slack', async () => {
    endpoint = await startEndpoint({ status: 500, body: 'internal_error' });
    const notifier = createSlackNotifier({ webhookUrl: endpoint.url, timeoutMs: 2000 });

    await expect(notifier.send(samplePayload())).rejects.toThrow(/HTTP 500: internal_error/);
  });
});

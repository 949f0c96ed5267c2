// Reading a request body with two limits: size (413 as soon as Content-Length or the bytes streamed so
// far exceed it, so a 3 MB body is never buffered) and time (408 when a slow or stalled client has not
// finished within the deadline, so it cannot hold a socket and a buffer forever).

import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** Throws 413 when the declared Content-Length is over the limit: no need to read a byte of it. */
export function checkDeclaredSize(req: IncomingMessage, maxBytes: number): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
}

export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  try {
    checkDeclaredSize(req, limits.maxBytes);
  } catch (error) {
    return Promise.reject(error);
  }

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;

    const finish = (error: HttpError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) {
        // Keep consuming (and discarding) what the client still sends: closing a socket with unread
        // data makes the kernel send a reset, and the client would never see our answer.
        req.resume();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };

    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.maxBytes) finish(tooLarge(limits.maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish(null);
    const onError = (error: Error): void =>
      finish(new HttpError(400, 'request body could not be read', { closeConnection: true, cause: error }));
    const onClose = (): void => {
      if (!req.complete) finish(new HttpError(400, 'request body ended early', { closeConnection: true }));
    };
    const timer = setTimeout(() => {
      finish(
        new HttpError(408, `request body not received within ${Math.round(limits.timeoutMs / 100) / 10}s`, {
          closeConnection: true,
        }),
      );
    }, limits.timeoutMs);

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `request body larger than ${formatBytes(maxBytes)}`, { closeConnection: true });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

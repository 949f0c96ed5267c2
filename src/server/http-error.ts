// An HTTP answer decided deep in request handling (auth, body reading, validation), carried up to the
// one place that writes responses. Only `message` reaches the client, so it must be safe to show.

export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Close the connection after answering: the request body was not (fully) read, or the client is stalling. */
  readonly closeConnection: boolean;

  constructor(
    status: number,
    message: string,
    options: { headers?: Record<string, string>; closeConnection?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.headers = options.headers ?? {};
    this.closeConnection = options.closeConnection ?? false;
  }
}

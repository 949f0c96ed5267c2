// A tiny cookie-keeping HTTP client for the dashboard tests (fetch does not keep cookies).

/** A server-side JSON shape as the client receives it: dates arrive as ISO strings. */
export type Wire<T> = T extends Date ? string : T extends (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** `json` is what the caller says the endpoint sends (null for a body that is not JSON). */
export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

/** The body of every refused API request. */
export interface ErrorJson {
  error: string;
}

export class Browserless {
  cookie: string | null = null;
  constructor(readonly base: string) {}

  async request<T = unknown>(path: string, init: RequestInit & { form?: Record<string, string> } = {}): Promise<Reply<T>> {
    const headers = new Headers(init.headers);
    if (this.cookie !== null && !headers.has('cookie')) headers.set('cookie', this.cookie);
    let body = init.body;
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(`${this.base}${path}`, { ...init, headers, body, redirect: 'manual' });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';', 1)[0]!;
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // HTML
    }
    return { status: response.status, headers: response.headers, text, json: json as T };
  }

  /** The CSRF token of the page's first form. */
  static csrfOf(html: string): string {
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error('no CSRF token on the page');
    return match[1]!;
  }
}

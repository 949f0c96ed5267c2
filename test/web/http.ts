// A tiny cookie-keeping HTTP client for the dashboard tests (fetch does not keep cookies).

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export class Browserless {
  cookie: string | null = null;
  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit & { form?: Record<string, string> } = {}): Promise<Reply> {
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
    return { status: response.status, headers: response.headers, text, json };
  }

  /** The CSRF token of the page's first form. */
  static csrfOf(html: string): string {
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error('no CSRF token on the page');
    return match[1]!;
  }
}

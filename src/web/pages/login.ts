import { html, type Html } from '../html.js';

export function loginBody(next: string, error: string | null): Html {
  return html`<form class="login" method="post" action="/login">
    <h1>Sign in</h1>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <label>User <input name="user" autocomplete="username" required autofocus /></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
    <input type="hidden" name="next" value="${next}" />
    <button type="submit">Sign in</button>
  </form>`;
}

// The address `serve` listens on: "HOST:PORT", ":PORT" (every IPv4 interface) or "[::1]:PORT".
// Shared by the config loader and `serve --listen`.

export interface ListenAddress {
  host: string;
  port: number;
}

/** Every interface: the default when only a port is given, as in Go's ":8080". */
export const ANY_HOST = '0.0.0.0';

/** Parses a listen address; returns an explanation instead when it is not one. */
export function parseListen(text: string): ListenAddress | { error: string } {
  const trimmed = text.trim();
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(trimmed);
  if (!match) {
    return { error: `expected HOST:PORT, :PORT or [IPv6]:PORT, got '${text}'` };
  }
  const [, bracketed, plain, portText] = match;
  const port = Number(portText);
  // Port 0 asks the OS for a free port, which tests and `monitor demo` rely on.
  if (!Number.isInteger(port) || port > 65_535) {
    return { error: `port must be 0-65535, got ${portText}` };
  }
  if (bracketed !== undefined) {
    if (!isIPv6(bracketed)) return { error: `'[${bracketed}]' is not an IPv6 address` };
    return { host: bracketed, port };
  }
  const host = plain === '' || plain === undefined ? ANY_HOST : plain;
  if (!/^[A-Za-z0-9.-]+$/.test(host)) return { error: `'${host}' is not a host name or IPv4 address` };
  return { host, port };
}

/** WHATWG URL parsing validates IPv6 literals, without loading node:net (every command reads the config). */
function isIPv6(text: string): boolean {
  if (!text.includes(':')) return false;
  try {
    return new URL(`http://[${text}]/`).hostname !== '';
  } catch {
    return false;
  }
}

// Text from elsewhere (a server's answer, a proxy's error page) made fit for one log line.

/** Whitespace, newlines included, collapsed to single spaces; cut at `max` characters. */
export function snippet(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

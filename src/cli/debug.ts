// --verbose or DEBUG=monitor: debug lines and stack traces. Its own tiny module because main.ts needs
// it before anything heavier is loaded.

export function isDebug(env: NodeJS.ProcessEnv, verbose: boolean | undefined): boolean {
  return Boolean(verbose) || /(^|,)\s*monitor(:\*)?\s*(,|$)/.test(env.DEBUG ?? '') || env.DEBUG === '*';
}

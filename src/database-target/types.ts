// Where the database is, as a typed value: config builds it once (from database.url, password,
// password_file and the environment) and hands it to the store, which never parses text. This folder
// imports neither src/config nor src/store, so both can import it.

export type DatabaseTarget = { kind: 'sqlite'; path: string } | ({ kind: 'mysql' } & MysqlTarget);

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** TLS for the connection (`?ssl=…` / `?ssl-ca=…` in the URL); absent or null: plain TCP. */
  tls?: MysqlTls | null;
}

export interface MysqlTls {
  /** Check the server's certificate chain and name (false: encrypt without checking, `ssl=no-verify`). */
  verify: boolean;
  /** PEM text of the CA to trust instead of the system's (`ssl-ca=PATH`), or null. */
  ca: string | null;
  /** Where `ca` was read from, for messages. */
  caPath: string | null;
}

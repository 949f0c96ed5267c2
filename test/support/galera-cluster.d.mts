// Types for galera-cluster.mjs (plain JavaScript so the benchmark can run it under bare node).

export declare const GALERA_TEST_USER: { user: string; password: string };

export declare function galeraUnavailableReason(): string | null;

export interface GaleraNode {
  readonly name: string;
  readonly port: number;
  readonly socket: string;
  /** mysql://monitor_galera:…@127.0.0.1:PORT/DATABASE */
  url(database: string): string;
  /** Starts mariadbd (joining the others); resolves once Synced. */
  start(options?: { bootstrap?: boolean; timeoutMs?: number }): Promise<void>;
  waitSynced(timeoutMs?: number): Promise<void>;
  /** SQL as root over the node's socket. */
  admin<T = Record<string, unknown>[]>(sql: string, params?: unknown[]): Promise<T>;
  /** A read as root once the node has applied everything the cluster committed (wsrep_sync_wait = 1). */
  read<T = Record<string, unknown>[]>(sql: string, params?: unknown[]): Promise<T>;
  status(): Promise<Record<string, string>>;
  /** kill -9. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface GaleraCluster {
  readonly nodes: GaleraNode[];
  readonly dir: string;
  close(): Promise<void>;
}

export declare function startGaleraCluster(options?: { size?: number; extraArgs?: string[] }): Promise<GaleraCluster>;

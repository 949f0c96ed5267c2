// A report: what one agent run says about one host at one moment. The wire form (JSON) uses the
// column names of `incoming_data`, so a curl one-liner is an agent too; inside the program it is typed.

/** Where agents POST reports; the server routes it, the agent's sender appends it to server.url. */
export const REPORTS_PATH = '/api/v1/reports';

export interface Report {
  hostName: string;
  collectedAt: Date;
  cpuPct: number | null;
  memPct: number | null;
  diskPct: number | null;
  load1: number | null;
  /** Pipeline facts; all null on a plain metrics report. */
  datasetName: string | null;
  partitionKey: string | null;
  filesCount: number | null;
  firstEventAt: Date | null;
  lastEventAt: Date | null;
}

/** The JSON body field names, exactly the `incoming_data` column names. */
export interface WireReport {
  host_name: string;
  collected_at: string;
  cpu_pct?: number | null;
  mem_pct?: number | null;
  disk_pct?: number | null;
  load_1?: number | null;
  dataset_name?: string | null;
  partition_key?: string | null;
  files_count?: number | null;
  first_event_at?: string | null;
  last_event_at?: string | null;
}

export function toWireReport(report: Report): WireReport {
  const wire: WireReport = { host_name: report.hostName, collected_at: report.collectedAt.toISOString() };
  if (report.cpuPct !== null) wire.cpu_pct = report.cpuPct;
  if (report.memPct !== null) wire.mem_pct = report.memPct;
  if (report.diskPct !== null) wire.disk_pct = report.diskPct;
  if (report.load1 !== null) wire.load_1 = report.load1;
  if (report.datasetName !== null) wire.dataset_name = report.datasetName;
  if (report.partitionKey !== null) wire.partition_key = report.partitionKey;
  if (report.filesCount !== null) wire.files_count = report.filesCount;
  if (report.firstEventAt !== null) wire.first_event_at = report.firstEventAt.toISOString();
  if (report.lastEventAt !== null) wire.last_event_at = report.lastEventAt.toISOString();
  return wire;
}

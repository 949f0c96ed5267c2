// How an alert is shown: the JSON shape (column names, UTC times) shared by `alerts list/show/ack`,
// and the colours of severity and status in tables.

import type { ChalkInstance } from 'chalk';
import type { Alert } from '../store/types.js';

export interface AlertJson {
  alert_id: number;
  host_name: string;
  check_key: string;
  check_name: string;
  severity: string;
  status: string;
  triggered_at: Date;
  resolved_at: Date | null;
  duration_seconds: number;
  message: string;
  resolve_message: string | null;
  value: number | null;
  peak_value: number | null;
  resolve_value: number | null;
  acknowledged_at: Date | null;
}

/** Duration of an alert: until it resolved, or until now while it is open. */
export function alertDurationMs(alert: Alert, now: Date): number {
  return (alert.resolvedAt ?? now).getTime() - alert.triggeredAt.getTime();
}

export function toAlertJson(alert: Alert, now: Date): AlertJson {
  return {
    alert_id: alert.alertId,
    host_name: alert.hostName,
    check_key: alert.checkKey,
    check_name: alert.checkName,
    severity: alert.severity,
    status: alert.status,
    triggered_at: alert.triggeredAt,
    resolved_at: alert.resolvedAt,
    duration_seconds: Math.round(alertDurationMs(alert, now) / 1000),
    message: alert.message,
    resolve_message: alert.resolveMessage,
    value: alert.value,
    peak_value: alert.peakValue,
    resolve_value: alert.resolveValue,
    acknowledged_at: alert.acknowledgedAt,
  };
}

export function styleSeverity(chalk: ChalkInstance, severity: string): string {
  return severity === 'critical' ? chalk.red(severity) : chalk.yellow(severity);
}

export function styleStatus(chalk: ChalkInstance, status: string, acknowledged: boolean): string {
  if (status === 'resolved') return chalk.green(status);
  return acknowledged ? chalk.yellow(status) : chalk.red(status);
}

// A payload's thresholds as one phrase for the channels that render text: "warn 80, crit 90, for 5m".

export function thresholdText(params: Record<string, number | string> | undefined): string {
  if (!params) return '';
  return Object.entries(params)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
}

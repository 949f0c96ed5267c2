// The flags of `collect` and the global options, declared once: commander declares them from these
// tables (collect-command.ts), and the one-file agent's quick path parses a plain `collect` command
// line from the same tables without loading commander (collect-argv.ts). Imports nothing.

/** [flags, description]: each takes a string value (`<…>`) or is a switch; none has a parser or a default. */
export const COLLECT_OPTIONS = {
  dataset: ['--dataset <name>', 'pipeline dataset this report is about'],
  partition: ['--partition <key>', 'the dataset partition just produced (e.g. 2026-11-29)'],
  files: ['--files <n>', 'how many files the partition holds'],
  firstEvent: ['--first-event <time>', 'time of the first event in the partition (ISO-8601 with zone)'],
  lastEvent: ['--last-event <time>', 'time of the last event in the partition (ISO-8601 with zone)'],
  metrics: ['--no-metrics', 'send only the pipeline facts, no CPU/memory/disk'],
  print: ['--print', 'print the report as JSON and send nothing'],
} as const;

/** The global options every program has (besides -V, --version and -h, --help). */
export const GLOBAL_OPTIONS = {
  config: [
    '-c, --config <path>',
    'config file (default: $MONITOR_CONFIG, ./monitor.yaml, ~/.config/monitor/monitor.yaml, /etc/monitor/monitor.yaml)',
  ],
  verbose: ['-v, --verbose', 'show debug output and stack traces (also DEBUG=monitor)'],
} as const;

// The shape of the layers: the dependency between src/cli, src/commands, src/config and src/store points
// one way (cli -> commands -> config -> store), and a flag renamed in the program but not in the command's options type is a
// compile error rather than an option that silently stays unset.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\()\s*'([^']+)'/g)].map((match) => match[1] ?? '');
}

/** Type errors of src/cli/program.ts compiled with its text replaced by `text`. */
function programErrors(text: string): string[] {
  const configFile = ts.readConfigFile(join(PROJECT_ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, PROJECT_ROOT);
  const programFile = join(PROJECT_ROOT, 'src/cli/program.ts');
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const readFile = host.readFile.bind(host);
  host.readFile = (path) => (path === programFile ? text : readFile(path));
  const program = ts.createProgram([programFile], { ...options, noEmit: true }, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the command layer', () => {
  // cli/ -> commands/ -> {config/, store/}, and config/ -> store/ for shared types only: each layer
  // imports the ones below it, never one above (a cycle would make the store load the config loader).
  const forbidden: Array<[from: string, to: string]> = [
    ['commands', 'cli'],
    ['config', 'cli'],
    ['config', 'commands'],
    ['store', 'cli'],
    ['store', 'commands'],
    ['store', 'config'],
  ];
  it.each(forbidden)('src/%s imports nothing from src/%s', (from, to) => {
    const pattern = new RegExp(`(^|/)${to}/`);
    const offenders = sourceFiles(join(PROJECT_ROOT, 'src', from)).flatMap((file) =>
      importsOf(file)
        .filter((path) => path.startsWith('.') && pattern.test(path))
        .map((path) => `${file.slice(PROJECT_ROOT.length)} imports ${path}`),
    );
    expect(offenders).toEqual([]);
  });

  // One compile of program.ts and what it imports (the unchanged text compiles: `npm run typecheck`).
  it('a flag renamed in the program only does not compile', { timeout: 180_000 }, () => {
    const text = readFileSync(join(PROJECT_ROOT, 'src/cli/program.ts'), 'utf8');
    expect(text).toContain(".option('--dry-run', 'evaluate");
    const renamed = programErrors(text.replace(".option('--dry-run', 'evaluate", ".option('--dryrun', 'evaluate"));
    expect(renamed.join('\n')).toMatch(/Property 'dryRun' is missing/);
  });
});

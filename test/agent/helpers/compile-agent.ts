// Tests that kill a real process need the agent as plain JavaScript a child `node` can run.
// TypeScript's transpiler turns src/agent and what it imports into a temp dir (type-only imports
// vanish, `.js` specifiers already point at the outputs); node_modules is linked in for the lazy imports.

import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { tempDir } from '../../support/temp-dir.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The agent modules the process tests run; what they import comes along. */
const ENTRIES = ['sample', 'memory', 'spool', 'deliver', 'send'];

/** Returns the temp dir that holds `src/agent/<entry>.js` and everything they import. */
export async function compileAgent(): Promise<string> {
  const out = await tempDir('monitor-agent-js-');
  const pending = ENTRIES.map((name) => join(projectRoot, 'src/agent', `${name}.ts`));
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = await readFile(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    const target = join(out, relative(projectRoot, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
    // Follow the relative imports that survive transpiling (values, not types).
    for (const match of outputText.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      pending.push(resolve(dirname(file), `${match[1]}.ts`));
    }
  }
  await writeFile(join(out, 'package.json'), '{"type":"module"}\n');
  await symlink(join(projectRoot, 'node_modules'), join(out, 'node_modules'), 'dir');
  return out;
}

// The README's code runs as written: every ```js block of its "## API tour" section (down to the
// next "## " heading), and any other ```js block right after a line `<!-- readme-test: run -->`
// (a tour block after `<!-- readme-test: skip -->` is left out).
//
// Each block runs as its own ES module in a child `node`, from the package root, as a user's file
// would: 'sparse-wasm', 'sparse-wasm/node' and 'sparse-wasm/inline' resolve through the package's
// own "exports" (Node's package self-reference), that is to dist/ as `npm test` builds it first
// (pretest), so the exports map is exercised too. Self-reference needs the module inside the
// package, hence a temporary directory under test/. The one help a block gets: fetch() of a
// relative URL reads that file under the package root, as a page served from there would.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ReadmeBlock {
  /** 1-based line of the opening fence */
  line: number;
  section: string;
  code: string;
}

/** The ```js blocks to run: those of "## API tour", and elsewhere those marked to run. */
export function runnableBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: ReadmeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^## /.test(l)) section = l.slice(3).trim();
    if (!/^```(js|javascript)\s*$/.test(l)) {
      if (/^```/.test(l)) for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++); // skip other fences
      continue;
    }
    let prev = i - 1;
    while (prev >= 0 && lines[prev]!.trim() === '') prev--;
    const marker = prev >= 0 ? /^<!--\s*readme-test:\s*(run|skip)\s*-->$/.exec(lines[prev]!.trim())?.[1] : undefined;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`README line ${start + 1}: unterminated code block`);
    if (marker === 'run' || (section === 'API tour' && marker !== 'skip')) blocks.push({ line: start + 1, section, code: body.join('\n') + '\n' });
  }
  return blocks;
}

const PRELUDE = `// Test help for README blocks: fetch() of a relative URL reads the file under the working directory.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
const networkFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return networkFetch(input, init);
  try {
    return new Response(await readFile(path.resolve(process.cwd(), url)));
  } catch {
    return new Response('not found', { status: 404, statusText: 'Not Found' });
  }
};
`;

const work = mkdtempSync(path.join(root, 'test', '.readme-run-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
writeFileSync(path.join(work, 'prelude.mjs'), PRELUDE);

/** Runs `code` as work/NAME (an ES module); its first line, added here, loads the prelude first. */
function runModule(name: string, code: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(work, name);
  writeFileSync(file, `import './prelude.mjs';\n${code}`);
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = runnableBlocks(readme);

describe('README code blocks run as written', () => {
  it('the package is built (npm test builds it first) and the API tour has code to run', () => {
    expect(existsSync(path.join(root, 'dist', 'index.js')), 'dist/ is missing: run `npm run build`').toBe(true);
    expect(blocks.filter((b) => b.section === 'API tour').length).toBeGreaterThanOrEqual(3);
  });

  for (const b of blocks) {
    it(`${b.section}: the block at README line ${b.line}`, async () => {
      const r = await runModule(`block-${b.line}.mjs`, b.code);
      expect(r.code, `README line ${b.line} failed (line k of the block is line k + 1 below):\n${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
    });
  }

  it('a block that throws, or rejects, fails (the check is not vacuous)', async () => {
    expect((await runModule('throws.mjs', "import { init } from 'sparse-wasm';\nawait init();\nthrow new Error('boom');\n")).code).not.toBe(0);
    expect((await runModule('rejects.mjs', "Promise.reject(new Error('late'));\n")).code).not.toBe(0);
    const ok = "import { init } from 'sparse-wasm';\nimport { readMatrix } from 'sparse-wasm/node';\nawait init();\nconsole.log((await readMatrix('data/1138_bus.mtx')).matrix.nnz);\n";
    expect((await runModule('ok.mjs', ok)).stdout).toBe('4054\n');
  });

  it('block selection: the tour, and elsewhere only marked blocks', () => {
    const md = [
      '## Other', '```js', 'other()', '```', '<!-- readme-test: run -->', '```js', 'marked()', '```',
      '## API tour', '```sh', '```js inside sh', '```', '```js', 'tour()', '```', '<!-- readme-test: skip -->', '', '```js', 'skipped()', '```',
      '## Next', '```js', 'next()', '```',
    ].join('\n');
    expect(runnableBlocks(md).map((b) => [b.section, b.code.trim()])).toEqual([['Other', 'marked()'], ['API tour', 'tour()']]);
  });
});

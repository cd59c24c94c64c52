import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleEnv, findExample, listExamples, runExample, savePictures, table } from './example';
import { COURSE, courseHtml, type LessonResult, readLessonResult } from './start';

const tmp = mkdtempSync(join(tmpdir(), 'betterdl-examples-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A throw-away examples/ tree with the given example directories (each gets a main.ts). */
function fakeRoot(names: string[], mainTs = 'console.log("hi");\n'): string {
  const root = mkdtempSync(join(tmp, 'root-'));
  for (const n of names) {
    mkdirSync(join(root, 'examples', n), { recursive: true });
    writeFileSync(join(root, 'examples', n, 'main.ts'), mainTs);
    writeFileSync(join(root, 'examples', n, 'package.json'), JSON.stringify({ description: `about ${n}` }));
  }
  mkdirSync(join(root, 'examples', 'not-an-example'), { recursive: true });
  return root;
}

describe('listExamples and findExample', () => {
  const root = fakeRoot(['10-ten', '02-batch-size', 'transfer-fashion-mnist', '01-diagnose']);
  const examples = listExamples(root);

  it('lists directories with a main.ts, numbered ones first in order', () => {
    expect(examples.map((e) => e.name)).toEqual([
      '01-diagnose',
      '02-batch-size',
      '10-ten',
      'transfer-fashion-mnist',
    ]);
    expect(examples[1]!.description).toBe('about 02-batch-size');
  });

  it('finds an example by full name, number or slug', () => {
    expect(findExample('02-batch-size', examples).name).toBe('02-batch-size');
    expect(findExample('2', examples).name).toBe('02-batch-size');
    expect(findExample('02', examples).name).toBe('02-batch-size');
    expect(findExample('batch-size', examples).name).toBe('02-batch-size');
    expect(findExample('examples/10-ten/', examples).name).toBe('10-ten');
    expect(findExample('transfer', examples).name).toBe('transfer-fashion-mnist');
  });

  it('names the examples when nothing or several match', () => {
    expect(() => findExample('nope', examples)).toThrow(
      /no example matches 'nope'.*01-diagnose, 02-batch-size/,
    );
    expect(() => findExample('-', examples)).toThrow(/matches .* give the full name/);
  });

  it('finds every lesson of the course in this repository', () => {
    const real = listExamples();
    for (const lesson of COURSE) expect(findExample(lesson, real).name).toBe(lesson);
  });
});

describe('runExample', () => {
  it('runs main.ts in its own process with the quick/seed/out convention', async () => {
    const main = [
      "import { writeFileSync, mkdirSync } from 'node:fs';",
      'const out = process.env.BETTERDL_OUT!;',
      'mkdirSync(out, { recursive: true });',
      'const seen = { quick: process.env.BETTERDL_QUICK, seed: process.env.BETTERDL_SEED, argv: process.argv.slice(2) };',
      "writeFileSync(out + '/seen.json', JSON.stringify(seen));",
      "writeFileSync(out + '/curves.png', 'png bytes');",
      "console.log('line one');",
      "console.error('line two');",
    ].join('\n');
    const root = fakeRoot(['03-probe'], main);
    const [ex] = listExamples(root);
    const lines: string[] = [];
    const reports = join(root, 'reports');
    const r = await runExample(ex!, {
      quick: true,
      seed: 7,
      reportsDir: reports,
      stdio: 'capture',
      onLine: (l) => lines.push(l),
    });
    expect(r.ok).toBe(true);
    expect(r.outDir).toBe(join(reports, '03-probe'));
    expect(JSON.parse(readFileSync(join(r.outDir, 'seen.json'), 'utf8'))).toEqual({
      quick: '1',
      seed: '7',
      argv: ['--quick'],
    });
    expect(lines).toEqual(expect.arrayContaining(['line one', 'line two']));
    expect(readFileSync(join(r.outDir, 'output.log'), 'utf8')).toContain('line one');
    expect(savePictures(ex!, r.outDir)).toEqual(['curves.png']);
    expect(readFileSync(join(ex!.dir, 'curves.png'), 'utf8')).toBe('png bytes');
  });

  it('reports a failing example with its exit code and output', async () => {
    const root = fakeRoot(['04-broken'], "console.log('about to fail');\nprocess.exit(3);\n");
    const [ex] = listExamples(root);
    const r = await runExample(ex!, { reportsDir: join(root, 'reports'), stdio: 'capture' });
    expect(r).toMatchObject({ ok: false, code: 3 });
    expect(r.output).toContain('about to fail');
  });

  it('defaults: not quick, seed 1, reports/<name>', () => {
    const root = fakeRoot(['05-x']);
    const [ex] = listExamples(root);
    const env = exampleEnv(ex!, { reportsDir: '/r' });
    expect(env).toEqual({ BETTERDL_QUICK: '0', BETTERDL_SEED: '1', BETTERDL_OUT: '/r/05-x' });
  });
});

describe('the course report', () => {
  it('formats aligned tables', () => {
    expect(
      table([
        ['a', 'bb'],
        ['ccc', '1'],
      ]),
    ).toBe('a    bb\n---  --\nccc   1');
  });

  it('writes every lesson with its figure, variants, verdicts and times, escaping text', () => {
    const root = fakeRoot(['02-batch-size', '03-reduce-lr-on-plateau']);
    const [ex2, ex3] = listExamples(root);
    const out2 = join(root, 'reports', '02-batch-size');
    mkdirSync(out2, { recursive: true });
    writeFileSync(join(out2, 'curves.svg'), '<?xml version="1.0"?>\n<svg id="fig2"></svg>');
    const result: LessonResult = {
      example: '02-batch-size',
      title: 'Batch size <&>',
      backend: 'wasm',
      fastPaths: true,
      quick: false,
      seed: 1,
      seconds: 12,
      variants: [
        {
          name: 'batch (500)',
          train: 0.8123,
          test: 0.7999,
          epochs: 1000,
          seconds: 5.5,
          verdict: 'underfit',
          reason: 'still improving',
        },
      ],
      figure: { svg: 'curves.svg' },
      takeaway: 'It learns.',
    };
    writeFileSync(join(out2, 'result.json'), JSON.stringify(result));
    const html = courseHtml(
      [
        {
          ex: ex2!,
          run: { name: ex2!.name, ok: true, code: 0, seconds: 12.3, outDir: out2, output: '' },
          result: readLessonResult(out2),
        },
        {
          ex: ex3!,
          run: {
            name: ex3!.name,
            ok: false,
            code: 1,
            seconds: 1,
            outDir: join(root, 'reports', 'x'),
            output: 'Error: <boom>',
          },
          result: null,
        },
      ],
      { seed: 1, quick: false, wallSeconds: 20, jobs: 2 },
    );
    expect(html).toContain('<svg id="fig2"></svg>');
    expect(html).toContain('betterdl fast paths <b>on</b>');
    expect(html).not.toContain('<?xml');
    expect(html).toContain('Batch size &lt;&amp;&gt;');
    expect(html).toMatch(/<td>batch \(500\)<\/td><td>0\.812<\/td><td>0\.800<\/td><td>1000<\/td>/);
    expect(html).toContain('underfit');
    expect(html).toContain('backend <b>wasm</b>');
    expect(html).toContain('failed (exit 1)');
    expect(html).toContain('Error: &lt;boom&gt;');
    expect(html.indexOf('id="02-batch-size"')).toBeLessThan(html.indexOf('03-reduce-lr-on-plateau</h2>'));
  });
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';
import { fragmentFences, repoLinks, repositoryUrl } from './markdown';
import { strictBuild } from './strict-build';

const srcDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const repoUrl = repositoryUrl(repoRoot);

const lessons = [
  ['01-diagnose', '1. Diagnosing problems'],
  ['02-batch-size', '2. Batch size'],
  ['03-reduce-lr-on-plateau', '3. Learning-rate schedule'],
  ['04-batch-norm', '4. Batch normalisation'],
  ['05-weight-decay', '5. Weight regularisation'],
  ['06-gaussian-noise', '6. Adding noise'],
  ['07-early-stopping', '7. Early stopping'],
] as const;
const packages = ['runtime', 'callbacks', 'datasets', 'diagnostics', 'transfer'] as const;

/**
 * The docs site: `pnpm docs:dev` serves it, `pnpm docs:build` (scripts/docs-build.ts) builds it with the TypeDoc
 * API reference under /api/. Dead links fail the build (ignoreDeadLinks: false, and markdown.ts for links to
 * repository files); so does any warning (strictBuild).
 */
const config = defineConfig({
  title: 'betterdl',
  description:
    'Better Deep Learning for TensorFlow.js: Keras-parity callbacks, datasets, diagnostics and transfer learning for tfjs-layers.',
  srcDir,
  // README.md is the GitHub-facing index of docs/ (index.md includes it); public/api/ is TypeDoc's HTML output.
  srcExclude: ['README.md', 'public/**', 'api/**'],
  ignoreDeadLinks: false,
  lastUpdated: false,
  markdown: {
    config(md) {
      repoLinks(md, { repoRoot, srcDir, repoUrl, branch: 'main' });
      fragmentFences(md);
    },
  },
  themeConfig: {
    nav: [
      {
        text: 'Guide',
        link: '/getting-started',
        activeMatch: '^/(getting-started|course|porting|parity|performance|gpu)',
      },
      { text: 'Lessons', link: '/lessons/01-diagnose', activeMatch: '^/lessons/' },
      { text: 'Packages', link: '/packages/runtime', activeMatch: '^/packages/' },
      { text: 'Transfer learning', link: '/transfer', activeMatch: '^/transfer' },
      // TypeDoc's HTML is not a VitePress page: `_self` makes the browser load it instead of the client router.
      { text: 'API reference', link: '/api/index.html', target: '_self' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/getting-started' },
          { text: 'The course (pnpm start)', link: '/course' },
          { text: 'Porting from Keras', link: '/porting-from-keras' },
          { text: 'Parity with Keras and scikit-learn', link: '/parity' },
          { text: 'Performance notes', link: '/performance' },
          { text: 'Training on a GPU', link: '/gpu' },
        ],
      },
      {
        text: 'The course',
        items: lessons.map(([slug, text]) => ({ text, link: `/lessons/${slug}` })),
      },
      {
        text: 'More lessons',
        items: [
          { text: 'The Keras cookbook', link: '/lessons/cookbook' },
          { text: 'Deep learning, summarised (part 2)', link: '/lessons/summary' },
          { text: 'Deep Learning Quick Reference', link: '/lessons/quick-reference' },
        ],
      },
      {
        text: 'Transfer learning',
        items: [
          { text: 'Overview', link: '/transfer' },
          { text: 'Feature extraction', link: '/transfer-feature-extraction' },
          { text: 'Fine-tuning', link: '/transfer-fine-tuning' },
          { text: 'Freezing layers', link: '/transfer-freezing' },
          { text: 'Loading a pretrained model', link: '/transfer-loading' },
        ],
      },
      {
        text: 'Packages',
        items: [
          ...packages.map((p) => ({ text: `@betterdl/${p}`, link: `/packages/${p}` })),
          { text: 'API reference (TypeDoc)', link: '/api/index.html', target: '_self' },
        ],
      },
    ],
    socialLinks: [{ icon: 'github', link: repoUrl }],
    editLink: { pattern: `${repoUrl}/edit/main/docs/:path`, text: 'Edit this page on GitHub' },
    search: { provider: 'local' },
    outline: 'deep',
  },
});

export default strictBuild(config);

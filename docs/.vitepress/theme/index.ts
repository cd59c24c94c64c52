// The site's theme: VitePress's default theme plus the live lessons' <RunPanel example="…" /> component.
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import RunPanel from './RunPanel.vue';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('RunPanel', RunPanel);
  },
} satisfies Theme;

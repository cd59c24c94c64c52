import { stripVTControlCharacters } from 'node:util';
import type { DefaultTheme, UserConfig } from 'vitepress';

type Logger = NonNullable<NonNullable<UserConfig['vite']>['customLogger']>;

/**
 * The site config with every warning made fatal for `vitepress build`: VitePress and Vite (Rollup's notes
 * included) report warnings through one logger, which prints each as `warning: …`; `buildEnd` then throws if
 * there were any. In `vitepress dev` the warnings are printed the same way and nothing fails.
 */
export function strictBuild(config: UserConfig<DefaultTheme.Config>): UserConfig<DefaultTheme.Config> {
  const warnings: string[] = [];
  const onceSeen = new Set<string>();
  const loggedErrors = new WeakSet<object>();
  const logger: Logger = {
    hasWarned: false,
    info(msg) {
      console.log(msg);
    },
    warn(msg) {
      logger.hasWarned = true;
      // Shiki and Vite colour their messages when the terminal allows; the list says them in plain text.
      const text = stripVTControlCharacters(msg).trim();
      warnings.push(text);
      console.warn(`warning: ${text}`);
    },
    warnOnce(msg, opts) {
      if (onceSeen.has(msg)) return;
      onceSeen.add(msg);
      logger.warn(msg, opts);
    },
    error(msg, opts) {
      if (opts?.error) loggedErrors.add(opts.error);
      console.error(msg);
    },
    clearScreen() {},
    hasErrorLogged(error) {
      return loggedErrors.has(error);
    },
  };
  return {
    ...config,
    vite: { ...config.vite, customLogger: logger },
    async buildEnd(site) {
      await config.buildEnd?.(site);
      if (warnings.length > 0) {
        throw new Error(
          `${warnings.length} warning(s) in the build; warnings fail the docs build:\n${warnings.join('\n')}`,
        );
      }
    },
  };
}

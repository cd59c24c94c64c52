export type { RecommendStrategyArgs, StrategyAdvice } from './recommend-strategy';
export { recommendStrategy } from './recommend-strategy';

export * from './types';
export { labelClass } from './labels';
export { induceRules } from './induce';
export {
  evaluateCandidate,
  candidateRule,
  ruleMatchesFinding,
  DEFAULT_MIN_SUPPORT,
} from './gate';

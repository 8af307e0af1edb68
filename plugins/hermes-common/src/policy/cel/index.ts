export {
  compileCel,
  CelCompileError,
  CelEvaluationError,
  CelUnsupportedError,
} from './environment';
export type { CelProgram } from './environment';
export { toCel, toCelOnce, fromCel, celToString } from './values';

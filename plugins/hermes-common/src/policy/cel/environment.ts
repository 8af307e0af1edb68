// The CEL environment admission policies run in: the evaluator from @marcbachmann/cel-js plus
// the Kubernetes libraries (lists, sets, extended strings, RE2 regex, quantity, URL, IP/CIDR).
// Expressions are compiled once and cached; those that need the cluster or the network are
// refused at compile time with the reason, so their rule is reported as skipped.
import { Environment } from '@marcbachmann/cel-js';
import { registerLists } from './lists';
import { registerNetwork } from './network';
import { registerQuantity } from './quantity';
import { registerRegex, RE2_MATCHES } from './regex';
import { registerStrings } from './strings';

/** The expression is not valid CEL (syntax, unknown function, wrong types). */
export class CelCompileError extends Error {
  constructor(readonly expression: string, message: string) {
    super(`compilation error in "${expression}": ${message}`);
    this.name = 'CelCompileError';
  }
}

/** The expression needs something an offline check does not have (cluster, network). */
export class CelUnsupportedError extends Error {
  constructor(readonly expression: string, reason: string) {
    super(reason);
    this.name = 'CelUnsupportedError';
  }
}

/** Evaluating the expression failed (missing field, no such overload, bad argument). */
export class CelEvaluationError extends Error {
  constructor(readonly expression: string, message: string) {
    super(message);
    this.name = 'CelEvaluationError';
  }
}

/** Root identifiers of Kyverno libraries that read the cluster or the network. */
const NEEDS_CLUSTER: Record<string, string> = {
  resource: 'reads resources from the cluster (resource.Get/List)',
  http: 'makes HTTP calls (http.Get/Post)',
  imagedata: 'reads image data from a registry (imagedata.Get)',
  image: 'uses image data from a registry',
  globalContext: 'reads a Kyverno global context entry',
  generator: 'generates resources in the cluster',
  authorizer: 'asks the cluster authorizer',
  json: "uses Kyverno's json library, which Hermes does not provide",
  yaml: "uses Kyverno's yaml library, which Hermes does not provide",
  x509: "uses Kyverno's x509 library, which Hermes does not provide",
};
/** Functions of Kyverno libraries that need a registry or are not provided offline. */
const NEEDS_REGISTRY = new Set([
  'verifyImageSignatures',
  'verifyAttestationSignatures',
  'getImageData',
  'parseImageReference',
]);

function createEnvironment(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: true,
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: false,
  });
  registerStrings(env);
  registerLists(env);
  registerRegex(env);
  registerQuantity(env);
  registerNetwork(env);
  return env;
}

let environment: Environment | undefined;

type Evaluate = ((context: Record<string, unknown>) => unknown) & {
  ast: unknown;
  check: () => { valid: boolean; error?: Error };
};

interface Node {
  op: string;
  args: any;
  meta?: { alternate?: unknown; macro?: unknown };
}

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Node).op === 'string' &&
  'args' in value;

/**
 * Walks the parsed expression: rewrites `matches` to the RE2 version (the evaluator's own uses
 * JavaScript RegExp, which differs from Go), and finds what needs the cluster.
 */
function prepare(ast: unknown, expression: string): void {
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!isNode(value)) {
      Object.values(value).forEach(visit);
      return;
    }
    const { op, args } = value;
    if (
      op === 'id' &&
      typeof args === 'string' &&
      Object.hasOwn(NEEDS_CLUSTER, args)
    )
      throw new CelUnsupportedError(
        expression,
        `the expression ${NEEDS_CLUSTER[args]}`,
      );
    if ((op === 'rcall' || op === 'call') && NEEDS_REGISTRY.has(args[0]))
      throw new CelUnsupportedError(
        expression,
        `the expression calls ${args[0]}, which needs a registry`,
      );
    if (op === 'rcall' && args[0] === 'matches') args[0] = RE2_MATCHES;
    if (op === 'call' && args[0] === 'matches') args[0] = RE2_MATCHES;
    visit(args);
    visit(value.meta?.alternate);
  };
  visit(ast);
}

/** A compiled expression. */
export interface CelProgram {
  expression: string;
  /** Evaluates against the given variables; throws {@link CelEvaluationError}. */
  evaluate(variables: Record<string, unknown>): unknown;
}

const cache = new Map<
  string,
  CelProgram | CelUnsupportedError | CelCompileError
>();
const CACHE_SIZE = 2000;

function build(expression: string): CelProgram {
  environment ??= createEnvironment();
  let parsed: Evaluate;
  try {
    parsed = environment.parse(expression) as Evaluate;
  } catch (error) {
    throw new CelCompileError(expression, firstLine(error));
  }
  prepare(parsed.ast, expression);
  const checked = parsed.check();
  if (!checked.valid)
    throw new CelCompileError(expression, firstLine(checked.error));
  return {
    expression,
    evaluate(variables) {
      try {
        return parsed(variables);
      } catch (error) {
        throw new CelEvaluationError(expression, firstLine(error));
      }
    },
  };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

/**
 * Compiles a CEL expression once (cached by its text). Throws {@link CelCompileError} for
 * invalid CEL and {@link CelUnsupportedError} when it needs the cluster or the network.
 */
export function compileCel(expression: unknown): CelProgram {
  if (typeof expression !== 'string' || !expression.trim())
    throw new CelCompileError(
      String(expression ?? ''),
      'the expression is empty or not a string',
    );
  let entry = cache.get(expression);
  if (!entry) {
    try {
      entry = build(expression);
    } catch (error) {
      if (
        !(
          error instanceof CelCompileError ||
          error instanceof CelUnsupportedError
        )
      )
        throw error;
      entry = error;
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(expression, entry);
  }
  if (entry instanceof Error) throw entry;
  return entry;
}

// The CEL environment admission policies run in: the evaluator from @marcbachmann/cel-js plus
// the Kubernetes libraries (lists, sets, extended strings, RE2 regex, quantity, URL, IP/CIDR,
// semver, format) and Kyverno's offline ones (image references, json, yaml).
// Expressions are compiled once and cached; those that need the cluster or the network are
// refused at compile time with the reason, so their rule is reported as skipped.
import { Environment } from '@marcbachmann/cel-js';
import { registerLists } from './lists';
import { registerNetwork } from './network';
import { registerQuantity } from './quantity';
import { registerRegex, RE2_MATCHES } from './regex';
import { registerStrings, SPLIT_BOUNDED } from './strings';
import { registerSemver } from './semver';
import { registerFormat } from './format';
import { registerImage } from './image';
import { registerJsonYaml } from './jsonYaml';
import { guardProgram } from './guard';
import {
  budgetAborted,
  hasBudget,
  RuleAbortedError,
  withinLimits,
} from '../limits';

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
  globalContext: 'reads a Kyverno global context entry',
  generator: 'generates resources in the cluster',
  authorizer: 'asks the cluster authorizer',
  // Decoding certificates needs an ASN.1 parser the browser bundle does not carry.
  x509: "calls x509.decode (Kyverno's x509 library), which Hermes does not provide",
};
/** Functions of Kyverno libraries that need a registry or are not provided offline. */
const NEEDS_REGISTRY = new Set([
  'verifyImageSignatures',
  'verifyAttestationSignatures',
  'getImageData',
  // image.GetMetadata(ref) (getMetadata since Kyverno 1.18): `image` there is Kyverno's
  // registry client, not the image() function.
  'GetMetadata',
  'getMetadata',
]);

/** Longest expression accepted, in characters; real policies stay far below it. */
export const MAX_EXPRESSION_LENGTH = 32 * 1024;
/** Longer expressions are compiled each time instead of being kept in the cache. */
const MAX_CACHED_LENGTH = 4 * 1024;
/** Nesting (calls, selections, indexes, literals) the parser accepts, as cel-go's default. */
export const MAX_PARSE_DEPTH = 250;

function createEnvironment(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: true,
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: false,
    limits: {
      maxDepth: MAX_PARSE_DEPTH,
      maxAstNodes: 20000,
      maxListElements: 1000,
      maxMapEntries: 1000,
      maxCallArguments: 32,
    },
  });
  registerStrings(env);
  registerLists(env);
  registerRegex(env);
  registerQuantity(env);
  registerNetwork(env);
  registerSemver(env);
  registerFormat(env);
  registerImage(env);
  registerJsonYaml(env);
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
    if ((op === 'rcall' || op === 'call') && args[0] === 'matches')
      args[0] = RE2_MATCHES;
    // The built-in split builds the whole list before its size could be checked.
    if (op === 'rcall' && args[0] === 'split') args[0] = SPLIT_BOUNDED;
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

/** Runs one evaluation; budget overruns come out as {@link RuleAbortedError}. */
function run(parsed: Evaluate, expression: string, variables: object) {
  let value: unknown;
  try {
    value = parsed(variables as Record<string, unknown>);
  } catch (error) {
    // Errors raised after the deadline may be the evaluator's own, wrapping or replacing
    // ours (`||` and `exists` collect errors); the overrun is what counts.
    const aborted = budgetAborted();
    if (aborted) throw aborted;
    if (error instanceof RuleAbortedError) throw error;
    if (error instanceof RangeError)
      throw new RuleAbortedError(
        `the expression ran out of resources: ${firstLine(error)}`,
      );
    throw new CelEvaluationError(expression, firstLine(error));
  }
  const aborted = budgetAborted();
  if (aborted) throw aborted;
  return value;
}

function build(expression: string): CelProgram {
  if (expression.length > MAX_EXPRESSION_LENGTH)
    throw new CelCompileError(
      `${expression.slice(0, 60)}...`,
      `the expression is ${expression.length} characters long, more than the limit of ${MAX_EXPRESSION_LENGTH}`,
    );
  environment ??= createEnvironment();
  let parsed: Evaluate;
  try {
    parsed = environment.parse(expression) as Evaluate;
    prepare(parsed.ast, expression);
    const checked = parsed.check();
    if (!checked.valid) throw checked.error;
  } catch (error) {
    if (error instanceof CelUnsupportedError) throw error;
    // Long runs of unary operators recurse without counting towards maxDepth.
    if (error instanceof RangeError)
      throw new CelCompileError(
        shorten(expression),
        `the expression is nested too deeply (limit ${MAX_PARSE_DEPTH})`,
      );
    throw new CelCompileError(shorten(expression), firstLine(error));
  }
  guardProgram(parsed.ast);
  return {
    expression,
    evaluate(variables) {
      if (hasBudget()) return run(parsed, expression, variables);
      // Evaluated outside a rule check: the default budget still applies.
      return withinLimits(undefined, () => run(parsed, expression, variables));
    },
  };
}

function shorten(expression: string): string {
  return expression.length > 200
    ? `${expression.slice(0, 200)}...`
    : expression;
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
    if (expression.length <= MAX_CACHED_LENGTH) {
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(expression, entry);
    }
  }
  if (entry instanceof Error) throw entry;
  return entry;
}

import { evaluateConditions } from './conditions';
import { refuseForbiddenKey, RuleAbortedError, spend } from './limits';
import { matchPattern } from './pattern';
import { CompiledRule } from './policies';
import { ForEachValidation } from './types';
import { evaluateExpression, VariableError } from './variables';
import {
  Outcome,
  Context,
  resolvePattern,
  patternOutcome,
  anyPatternOutcome,
  denyOutcome,
  variableValue,
} from './outcomes';

// A rule's lists are the same for every resource: each path is worked out once.
const listPaths = new Map<string, string>();

function listPath(list: string): string {
  let path = listPaths.get(list);
  if (path === undefined) {
    const match = /^request\.object\.([\w.]+)$/.exec(list.trim());
    path = match ? `/${match[1].replace(/\./g, '/')}/` : '';
    if (listPaths.size >= 10_000) listPaths.clear();
    listPaths.set(list, path);
  }
  return path;
}

/** Kyverno's foreach: the first failing element decides; no applicable element, no response. */
export function evaluateForEach(
  rule: CompiledRule,
  entries: ForEachValidation[],
  context: Context,
  nesting: number,
): Outcome {
  let applied = 0;
  let listError: string | undefined;
  const elementKey = `element${nesting}`;
  const indexKey = `elementIndex${nesting}`;
  for (const foreach of entries) {
    let list: unknown;
    try {
      list = evaluateExpression(foreach.list, context);
    } catch (error) {
      if (error instanceof RuleAbortedError) throw error;
      // A missing list (no initContainers, say) just has nothing to check.
      if (error instanceof VariableError && /no such field/.test(error.message))
        continue;
      listError = (error as Error).message;
      continue;
    }
    const elements = Array.isArray(list) ? list : [list];
    for (let index = 0; index < elements.length; index++) {
      spend();
      const element = elements[index];
      if (element === null || element === undefined) continue;
      const elementContext: Context = {
        ...context,
        element,
        elementIndex: index,
        [elementKey]: element,
        [indexKey]: index,
      };
      const scoped =
        foreach.elementScope ??
        (typeof element === 'object' && !Array.isArray(element));
      if (
        foreach.elementScope === true &&
        (typeof element !== 'object' || Array.isArray(element))
      ) {
        return {
          result: 'error',
          message:
            'failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps',
        };
      }
      let outcome: Outcome;
      try {
        for (const entry of foreach.context ?? []) {
          refuseForbiddenKey(entry.name, `context entry "${entry.name}"`);
          if (entry.variable)
            elementContext[entry.name] = variableValue(
              entry.variable,
              elementContext,
            );
        }
        if (
          foreach.preconditions &&
          !evaluateConditions(foreach.preconditions, elementContext).holds
        )
          continue;
      } catch (error) {
        if (error instanceof RuleAbortedError) throw error;
        continue; // an element whose preconditions cannot be evaluated is skipped, as in Kyverno
      }
      const target = scoped ? element : (context.request as any).object;
      const base = scoped ? `${listPath(foreach.list)}${index}/` : '';
      try {
        if (foreach.deny)
          outcome = denyOutcome(rule, elementContext, foreach.deny.conditions);
        else if (foreach.pattern !== undefined) {
          outcome = patternOutcome(
            rule,
            elementContext,
            matchPattern(
              target,
              resolvePattern(foreach.pattern, elementContext),
            ),
            base,
          );
        } else if (foreach.anyPattern)
          outcome = anyPatternOutcome(
            rule,
            elementContext,
            target,
            foreach.anyPattern,
            base,
          );
        else if (foreach.foreach)
          outcome = evaluateForEach(
            rule,
            foreach.foreach,
            elementContext,
            nesting + 1,
          );
        else continue;
      } catch (error) {
        if (error instanceof VariableError) {
          outcome = {
            result: 'error',
            message: `variable substitution failed: ${error.message}`,
          };
        } else throw error;
      }
      if (outcome.noResponse || outcome.result === 'skip') continue;
      if (outcome.result !== 'pass') {
        return {
          result: outcome.result,
          message: `validation failure: ${outcome.message}`,
          path:
            outcome.path ??
            (listPath(foreach.list)
              ? `${listPath(foreach.list)}${index}/`
              : undefined),
        };
      }
      applied++;
    }
  }
  if (applied === 0) {
    return listError
      ? { result: 'error', message: `failed to evaluate list: ${listError}` }
      : {
          result: 'skip',
          message: 'no element of the foreach list applies',
          noResponse: true,
        };
  }
  return { result: 'pass', message: 'rule passed' };
}

// Kubernetes' quantity library: `quantity("500m").isLessThan(quantity("1"))`.
import type { Environment } from '@marcbachmann/cel-js';
import { parseQuantity } from '../quantity';

export class Quantity {
  constructor(readonly value: number, readonly text: string) {}
}

function parse(text: string): Quantity {
  const value = parseQuantity(text);
  if (value === undefined || text.trim() !== text)
    throw new Error(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': "${text}"`,
    );
  return new Quantity(value, text);
}

const cmp = (a: Quantity, b: Quantity) => BigInt(Math.sign(a.value - b.value));
const fromInt = (n: bigint) => new Quantity(Number(n), String(n));

export function registerQuantity(env: Environment): void {
  env
    .registerType('Quantity', Quantity)
    .registerFunction('quantity(string): Quantity', parse)
    .registerFunction('isQuantity(string): bool', (s: string) => {
      try {
        parse(s);
        return true;
      } catch {
        return false;
      }
    })
    .registerFunction('Quantity.sign(): int', (q: Quantity) =>
      BigInt(Math.sign(q.value)),
    )
    .registerFunction('Quantity.isInteger(): bool', (q: Quantity) =>
      Number.isSafeInteger(q.value),
    )
    .registerFunction('Quantity.asInteger(): int', (q: Quantity) => {
      if (!Number.isSafeInteger(q.value))
        throw new Error(`cannot convert value to integer: ${q.text}`);
      return BigInt(q.value);
    })
    .registerFunction(
      'Quantity.asApproximateFloat(): double',
      (q: Quantity) => q.value,
    )
    .registerFunction('Quantity.compareTo(Quantity): int', cmp)
    .registerFunction(
      'Quantity.isGreaterThan(Quantity): bool',
      (a: Quantity, b: Quantity) => a.value > b.value,
    )
    .registerFunction(
      'Quantity.isLessThan(Quantity): bool',
      (a: Quantity, b: Quantity) => a.value < b.value,
    )
    .registerFunction(
      'Quantity.add(Quantity): Quantity',
      (a: Quantity, b: Quantity) =>
        new Quantity(a.value + b.value, String(a.value + b.value)),
    )
    .registerFunction(
      'Quantity.add(int): Quantity',
      (a: Quantity, b: bigint) =>
        new Quantity(a.value + fromInt(b).value, String(a.value + Number(b))),
    )
    .registerFunction(
      'Quantity.sub(Quantity): Quantity',
      (a: Quantity, b: Quantity) =>
        new Quantity(a.value - b.value, String(a.value - b.value)),
    )
    .registerFunction(
      'Quantity.sub(int): Quantity',
      (a: Quantity, b: bigint) =>
        new Quantity(a.value - Number(b), String(a.value - Number(b))),
    )
    .registerOperator(
      'Quantity == Quantity',
      (a: Quantity, b: Quantity) => a.value === b.value,
    );
}

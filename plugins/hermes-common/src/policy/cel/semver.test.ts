import { compileCel } from './environment';

const run = (expression: string) => compileCel(expression).evaluate({});

describe('the Kubernetes semver library', () => {
  it.each([
    ["isSemver('1.2.3')", true],
    ["isSemver('1.2.3-rc.1+build.5')", true],
    ["isSemver('v1.2.3')", false],
    ["isSemver('1.2')", false],
    ["isSemver('01.2.3')", false],
    ["isSemver('1.2.3-01')", false],
    ["isSemver('v1.2', true)", true],
    ["isSemver('v01.02.3', true)", true],
    [
      "semver('1.2.3').major() == 1 && semver('1.2.3').minor() == 2 && semver('1.2.3').patch() == 3",
      true,
    ],
    ["semver('v1', true).minor()", 0n],
    ["semver('1.10.0').isGreaterThan(semver('1.9.9'))", true],
    ["semver('1.0.0-alpha').isLessThan(semver('1.0.0'))", true],
    ["semver('1.0.0-alpha.10').compareTo(semver('1.0.0-alpha.9'))", 1n],
    ["semver('1.0.0-alpha').compareTo(semver('1.0.0-alpha.1'))", -1n],
    ["semver('1.0.0-1').compareTo(semver('1.0.0-alpha'))", -1n],
    ["semver('1.0.0+build.1').compareTo(semver('1.0.0+build.2'))", 0n],
    ["semver('1.2.3') == semver('1.2.3')", true],
    ["semver('1.2.3') == semver('1.2.4')", false],
  ])('%s', (expression, expected) => {
    expect(run(expression)).toBe(expected);
  });

  it('reports an invalid version as an evaluation error naming it', () => {
    expect(() => run("semver('v1.2.3').major() == 1")).toThrow(
      /semver: invalid major version "v1"/,
    );
    expect(() => run("semver('1.2').major() == 1")).toThrow(
      /"1.2" is not major.minor.patch/,
    );
  });
});

import { TaskReport } from '@hermes-backstage/plugin-hermes-common';
import { plainText, reportLines } from './lines';
import { joinedPlain, PLATFORMS } from '../../__testUtils__/chatFormats';
import { demoReport, longReport } from '../../__testUtils__/deliveryReports';

function expectedPlain(report: TaskReport) {
  const { body, link } = reportLines(report);
  return plainText([...body, ...link]).replace(/\s+/g, '');
}

describe.each(PLATFORMS)('$name messages', platform => {
  it('keep a short report in one message without part markers', () => {
    const parts = platform.format(demoReport());
    expect(parts).toHaveLength(1);
    expect(parts[0]).not.toContain('part 1 of');
  });

  it('show every part of the report: title, status, summary, findings, warnings, link', () => {
    const text = platform.plain(platform.format(demoReport())[0]);
    for (const expected of [
      'Drift Audit — 2026-05-23 12:00 UTC · cluster neuroscale-prod',
      '4 namespaces · 2 findings (1 critical, 1 harmless)',
      'One critical change: a Kyverno policy was edited by hand.',
      'kyverno — 1 finding (1 critical)',
      'CRITICAL — ClusterPolicy require-resource-limits: 1 field differs from Git',
      '/spec/validationFailureAction: "Enforce" in Git, "Audit" live',
      'Who: kubectl-edit (human, Update) as "ops-admin" at 2026-05-23 03:12 UTC',
      'Skill: kyverno-drift-response — admission control bypass',
      'Recommend: revert in-cluster change or commit to Git.',
      'History: seen 3× in 14 days · last resolved: reverted by user:default/ana',
      'serving-stack — 1 finding (1 harmless)',
      'Audit events unavailable for 1 object',
      'https://portal.example.com/hermes/tasks/t-1/runs/r-1',
    ])
      expect(text).toContain(expected);
    // Most severe namespace first is the model's order; the format keeps it.
    expect(text.indexOf('kyverno —')).toBeLessThan(
      text.indexOf('serving-stack —'),
    );
  });

  it('show a failed run with its error', () => {
    const report: TaskReport = {
      title: 'Nightly check',
      status: 'failed',
      error: 'model timed out after 60 s',
      groups: [],
      warnings: [],
    };
    expect(platform.plain(platform.format(report)[0])).toContain(
      'Failed: model timed out after 60 s',
    );
  });

  it('split a 10,000-character report into parts each within the limit', () => {
    const limit = Math.min(platform.limit, 2000);
    const parts = platform.format(longReport(10_000), { limit });
    expect(parts.length).toBeGreaterThanOrEqual(5);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(limit);
    parts.forEach((part, i) =>
      expect(platform.plain(part)).toMatch(
        new RegExp(`\\(part ${i + 1} of ${parts.length}\\)$`),
      ),
    );
  });

  it('lose nothing and reorder nothing between parts', () => {
    const report = longReport(10_000);
    const parts = platform.format(report, { limit: 1500 });
    expect(parts.length).toBeGreaterThan(1);
    expect(joinedPlain(platform, parts)).toBe(expectedPlain(report));
  });

  it('split at line boundaries: every finding line is whole in one part', () => {
    const parts = platform.format(longReport(10_000), { limit: 1500 });
    const seen = parts.flatMap(part =>
      [...platform.plain(part).matchAll(/api-(\d{4}): 1 field differs/g)].map(
        m => Number(m[1]),
      ),
    );
    expect(seen).toEqual(seen.map((_, i) => i + 1));
    expect(seen.length).toBe(longReport(10_000).groups[0].findings.length);
  });

  it('cut one 10,000-character word into pieces within the limit, keeping all of it', () => {
    const word = `${'x&<*_'.repeat(2000)}`;
    const report: TaskReport = {
      title: 'One long word',
      status: 'succeeded',
      summary: word,
      groups: [],
      warnings: [],
    };
    const parts = platform.format(report, { limit: 1000, maxParts: 100 });
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(1000);
    expect(joinedPlain(platform, parts)).toBe(expectedPlain(report));
  });

  it('cut a report longer than maxParts messages with a note and the link', () => {
    const parts = platform.format(longReport(40_000), {
      limit: 1500,
      maxParts: 3,
    });
    expect(parts).toHaveLength(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(1500);
    const last = platform.plain(parts[2]);
    expect(last).toMatch(/… \d+ more lines not shown \(message limit\)/);
    expect(last).toContain(
      'https://portal.example.com/hermes/tasks/t-2/runs/r-9',
    );
    const hidden = Number(/… (\d+) more lines/.exec(last)![1]);
    const shown = parts
      .flatMap(p => platform.plain(p).split('\n'))
      .filter(
        line =>
          line.trim() &&
          !/^\(part \d+ of \d+\)$|not shown|^Open in Backstage/.test(line),
      ).length;
    // Title, subtitle, namespace, and three lines per finding: all shown or counted.
    const findings = longReport(40_000).groups[0].findings.length;
    expect(shown + hidden).toBe(3 + 3 * findings);
  });
});

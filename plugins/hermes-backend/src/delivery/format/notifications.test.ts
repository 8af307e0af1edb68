import { demoReport, longReport } from '../../__testUtils__/deliveryReports';
import { formatNotification } from './notifications';

describe('Backstage notification', () => {
  it('has the title, counts, the critical findings first, and the link', () => {
    const n = formatNotification(demoReport());
    expect(n.title).toBe(
      'Drift Audit — 2026-05-23 12:00 UTC · cluster neuroscale-prod',
    );
    expect(n.description.split('\n')).toEqual([
      '4 namespaces · 2 findings (1 critical, 1 harmless)',
      'One critical change: a Kyverno policy was edited by hand.',
      'critical: kyverno/ClusterPolicy require-resource-limits: 1 field differs from Git',
      '… and 1 more',
      '1 warning',
    ]);
    expect(n.link).toBe('https://portal.example.com/hermes/tasks/t-1/runs/r-1');
  });

  it.each([
    ['high when a finding is critical', demoReport(), 'high'],
    ['normal when none is', longReport(500), 'normal'],
  ])('severity is %s', (_name, report, severity) => {
    expect(formatNotification(report).severity).toBe(severity);
  });

  it('says a run failed and why', () => {
    const n = formatNotification({
      title: 'Nightly',
      status: 'failed',
      error: 'unknown audit "prod"',
      groups: [],
      warnings: [],
    });
    expect(n.description).toBe('Failed: unknown audit "prod"');
  });

  it('keeps the description short for a long report', () => {
    const n = formatNotification(longReport(100_000));
    expect(n.description.length).toBeLessThanOrEqual(600);
  });
});

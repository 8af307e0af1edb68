import type { CandidateStatus } from '@hermes-backstage/plugin-hermes-common';

/** Where a skill is read on the Hermes page: the Skills tab with that skill open. */
export function skillLink(name: string): string {
  return `?tab=skills&skill=${encodeURIComponent(name)}`;
}

/** 0.956 → "96%" */
export function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

export const CANDIDATE_COLORS: Record<
  CandidateStatus,
  'warning' | 'success' | 'error'
> = {
  proposed: 'warning',
  approved: 'success',
  rejected: 'error',
};

/** Chip colours for a skill's or a version's status. */
export const STATUS_COLORS = {
  active: 'success',
  draft: 'warning',
  superseded: 'default',
  rejected: 'error',
} as const;

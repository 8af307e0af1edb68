import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { SkillListEntry } from '../../api';
import { Snippet } from '../shared';
import { usedText } from './usage';

const PAGE_SIZE = 25;

/** Whether a person has to look at the skill: it is a draft, or has drafts pending. */
export function awaitsApproval(skill: SkillListEntry): boolean {
  return skill.status === 'draft' || skill.pendingDrafts > 0;
}

function Status(props: { skill: SkillListEntry }) {
  const { skill } = props;
  if (skill.status === 'draft') {
    return <Chip size="small" color="warning" label="draft: needs approval" />;
  }
  return (
    <Stack direction="row" gap={0.5} flexWrap="wrap">
      <Chip size="small" color="success" label="active" />
      {skill.pendingDrafts > 0 && (
        <Chip
          size="small"
          color="warning"
          label={`${skill.pendingDrafts} ${
            skill.pendingDrafts === 1 ? 'draft' : 'drafts'
          } to approve`}
        />
      )}
    </Stack>
  );
}

const nowrap = { whiteSpace: 'nowrap' } as const;

/** The skill's name: one line, cut with the whole name on hover, never broken by letter. */
function NameLink(props: { name: string; onSelect: (name: string) => void }) {
  const { name, onSelect } = props;
  return (
    <Tooltip title={name} describeChild enterDelay={300}>
      <Link
        component="button"
        variant="body2"
        onClick={() => onSelect(name)}
        sx={{
          display: 'block',
          maxWidth: '100%',
          textAlign: 'left',
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          whiteSpace: 'nowrap',
        }}
      >
        {name}
      </Link>
    </Tooltip>
  );
}

/**
 * The library, a page at a time; a skill's name opens it. `compact` (a skill is open beside
 * it) keeps only the names and their status, so the open skill has the room.
 */
export function SkillList(props: {
  skills: SkillListEntry[];
  selected?: string;
  onSelect: (name: string) => void;
  compact?: boolean;
}) {
  const { skills, selected, onSelect, compact } = props;
  const [page, setPage] = useState(0);
  // A shorter list (a new search) may end before the page that was open.
  const shown = Math.min(
    page,
    Math.max(Math.ceil(skills.length / PAGE_SIZE) - 1, 0),
  );
  const rows = skills.slice(shown * PAGE_SIZE, (shown + 1) * PAGE_SIZE);
  return (
    <>
      <Table
        size="small"
        aria-label="Skills"
        // Fixed widths: a long name or description cannot squeeze a column to a letter per line.
        sx={{ tableLayout: 'fixed', minWidth: compact ? undefined : 760 }}
      >
        {!compact && (
          <colgroup>
            <col style={{ width: '24%' }} />
            <col />
            <col style={{ width: '96px' }} />
            <col style={{ width: '170px' }} />
            <col style={{ width: '80px' }} />
            <col style={{ width: '18%' }} />
          </colgroup>
        )}
        <TableHead>
          <TableRow>
            <TableCell sx={nowrap}>Name</TableCell>
            {!compact && (
              <>
                <TableCell sx={nowrap}>Description</TableCell>
                <TableCell sx={nowrap}>Source</TableCell>
                <TableCell sx={nowrap}>Status</TableCell>
                <TableCell sx={nowrap}>Version</TableCell>
                <TableCell sx={nowrap}>Used</TableCell>
              </>
            )}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(skill => (
            <TableRow
              key={skill.name}
              aria-label={skill.name}
              selected={skill.name === selected}
              sx={{ '& > td': { verticalAlign: 'top' } }}
            >
              <TableCell>
                <NameLink name={skill.name} onSelect={onSelect} />
                {compact && (
                  <Box sx={{ mt: 0.5 }}>
                    <Status skill={skill} />
                  </Box>
                )}
              </TableCell>
              {!compact && (
                <>
                  <TableCell>
                    <Typography variant="body2">{skill.description}</Typography>
                    {skill.snippet && (
                      <Typography variant="caption" color="text.secondary">
                        <Snippet text={skill.snippet} />
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell sx={nowrap}>{skill.source}</TableCell>
                  <TableCell>
                    <Status skill={skill} />
                  </TableCell>
                  <TableCell sx={nowrap}>{skill.version ?? '—'}</TableCell>
                  <TableCell>
                    <Typography variant="body2">
                      {usedText(skill.usage, skill.effect)}
                    </Typography>
                  </TableCell>
                </>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {skills.length > PAGE_SIZE && (
        <TablePagination
          component="div"
          count={skills.length}
          page={shown}
          rowsPerPage={PAGE_SIZE}
          rowsPerPageOptions={[]}
          onPageChange={(_, next) => setPage(next)}
        />
      )}
    </>
  );
}

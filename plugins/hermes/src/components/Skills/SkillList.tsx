import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
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

/** The library, a page at a time; a skill's name opens it. */
export function SkillList(props: {
  skills: SkillListEntry[];
  selected?: string;
  onSelect: (name: string) => void;
}) {
  const { skills, selected, onSelect } = props;
  const [page, setPage] = useState(0);
  // A shorter list (a new search) may end before the page that was open.
  const shown = Math.min(
    page,
    Math.max(Math.ceil(skills.length / PAGE_SIZE) - 1, 0),
  );
  return (
    <>
      <Table size="small" aria-label="Skills">
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell>Description</TableCell>
            <TableCell>Source</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Version</TableCell>
            <TableCell>Used</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {skills
            .slice(shown * PAGE_SIZE, (shown + 1) * PAGE_SIZE)
            .map(skill => (
              <TableRow
                key={skill.name}
                aria-label={skill.name}
                selected={skill.name === selected}
              >
                <TableCell>
                  <Link
                    component="button"
                    variant="body2"
                    sx={{ textAlign: 'left', wordBreak: 'break-word' }}
                    onClick={() => onSelect(skill.name)}
                  >
                    {skill.name}
                  </Link>
                </TableCell>
                <TableCell>
                  <Typography variant="body2">{skill.description}</Typography>
                  {skill.snippet && (
                    <Typography variant="caption" color="text.secondary">
                      <Snippet text={skill.snippet} />
                    </Typography>
                  )}
                </TableCell>
                <TableCell>{skill.source}</TableCell>
                <TableCell>
                  <Status skill={skill} />
                </TableCell>
                <TableCell>{skill.version ?? '—'}</TableCell>
                <TableCell>
                  <Typography variant="body2">
                    {usedText(skill.usage, skill.effect)}
                  </Typography>
                </TableCell>
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

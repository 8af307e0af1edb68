import Tooltip from '@mui/material/Tooltip';
import Typography, { TypographyProps } from '@mui/material/Typography';

/**
 * One line of text cut with an ellipsis when it does not fit, the whole value on hover:
 * for Kubernetes and skill names, which can be long and must not break letter by letter.
 */
export function Truncated(
  props: {
    text: string;
  } & Pick<TypographyProps, 'variant' | 'color' | 'sx'>,
) {
  const { text, variant = 'body2', color, sx } = props;
  return (
    <Tooltip title={text} describeChild enterDelay={300}>
      <Typography
        variant={variant}
        color={color}
        component="span"
        noWrap
        display="block"
        sx={{ minWidth: 0, ...sx }}
      >
        {text}
      </Typography>
    </Tooltip>
  );
}

import { alpha, darken, lighten, Theme } from '@mui/material/styles';

/*
 * A page holds up to 100 rows of 7 cells, drawn as plain `tr` and `td`
 * elements with class names: a Material `TableRow` or `TableCell` computes
 * its styles per element (a few tenths of a millisecond each, 120 of them
 * in the first screenful). `pipelineRowStyles` styles them all once, from
 * the theme, as Material's own would be, theme overrides included.
 */

type Styles = Record<string, unknown>;

function isStyles(value: unknown): value is Styles {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `target` with `source` merged in, nested selectors too. */
function merged(target: Styles, source: unknown): Styles {
  if (!isStyles(source)) {
    return target;
  }
  const result = { ...target };
  for (const [key, value] of Object.entries(source)) {
    result[key] =
      isStyles(value) && isStyles(result[key])
        ? merged(result[key] as Styles, value)
        : value;
  }
  return result;
}

/** A theme's style override for one slot: an object or a function of it. */
function override(
  theme: Theme,
  component: 'MuiTableRow' | 'MuiTableCell',
  slot: string,
  ownerState: Styles,
): unknown {
  const overrides = theme.components?.[component]?.styleOverrides as
    | Record<string, unknown>
    | undefined;
  const style = overrides?.[slot];
  return typeof style === 'function'
    ? style({ theme, ownerState })
    : (style as unknown);
}

/** The border Material draws under a table cell. */
function cellBorder(theme: Theme): string {
  // As Material's TableCell: the divider without its alpha.
  const { divider } = theme.palette;
  return `1px solid ${
    theme.palette.mode === 'light'
      ? lighten(alpha(divider, 1), 0.88)
      : darken(alpha(divider, 1), 0.68)
  }`;
}

/**
 * Styles for the element around the table: `tl-row` and `tl-cell` as a
 * Material `TableRow hover` and a small body `TableCell`, and the text in
 * the cells as Material's `Typography` variants.
 */
export function pipelineRowStyles(theme: Theme): Styles {
  const rowState = { hover: true, head: false, footer: false };
  const cellState = {
    variant: 'body',
    size: 'small',
    padding: 'normal',
    align: 'inherit',
  };
  const row = merged(
    {
      color: 'inherit',
      display: 'table-row',
      verticalAlign: 'middle',
      outline: 0,
      '&:hover': { backgroundColor: theme.palette.action.hover },
    },
    override(theme, 'MuiTableRow', 'root', rowState),
  );
  const cell = [
    override(theme, 'MuiTableCell', 'root', cellState),
    override(theme, 'MuiTableCell', 'body', cellState),
    override(theme, 'MuiTableCell', 'sizeSmall', cellState),
  ].reduce<Styles>(merged, {
    ...theme.typography.body2,
    display: 'table-cell',
    verticalAlign: 'inherit',
    borderBottom: cellBorder(theme),
    textAlign: 'left',
    padding: '6px 16px',
    color: theme.palette.text.primary,
  });
  return {
    '& .tl-row': row,
    '& .tl-cell': cell,
    '& .tl-title': {
      ...theme.typography.body2,
      margin: 0,
      fontWeight: theme.typography.fontWeightMedium,
    },
    '& .tl-caption': {
      ...theme.typography.caption,
      margin: 0,
      color: theme.palette.text.secondary,
      // Ids have no spaces: unbroken, they squeezed the other columns until
      // an owner's name broke mid-word.
      overflowWrap: 'anywhere',
    },
    '& .tl-nowrap': { whiteSpace: 'nowrap' },
    '& .tl-stale': {
      ...theme.typography.caption,
      margin: 0,
      display: 'block',
      color: theme.palette.warning.main,
    },
  };
}

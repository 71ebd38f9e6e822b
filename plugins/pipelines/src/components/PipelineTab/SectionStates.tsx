import { ResponseErrorPanel } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { ReactNode } from 'react';

/** The backend's error for one section, and a way to ask again. */
export function SectionError(props: {
  title: string;
  error: Error;
  onRetry: () => void;
}) {
  return (
    <Box>
      <ResponseErrorPanel title={props.title} error={props.error} />
      <Button size="small" onClick={props.onRetry} sx={{ mt: 1 }}>
        Try again
      </Button>
    </Box>
  );
}

/**
 * A section's empty or error state in the height its data will take, so the
 * page does not jump when the data arrives.
 */
export function SectionBox(props: {
  height: number;
  children: ReactNode;
  center?: boolean;
}) {
  return (
    <Box
      height={props.height}
      overflow="auto"
      display={props.center ? 'flex' : 'block'}
      alignItems="center"
      justifyContent="center"
    >
      {props.children}
    </Box>
  );
}

export function SectionMessage(props: { height: number; children: ReactNode }) {
  return (
    <SectionBox height={props.height} center>
      <Typography variant="body2" color="text.secondary" textAlign="center">
        {props.children}
      </Typography>
    </SectionBox>
  );
}

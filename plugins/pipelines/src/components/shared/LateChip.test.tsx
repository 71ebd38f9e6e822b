import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { formatTime } from '../PipelineTab/runs';
import { LateChip, lateDescription, PipelineStateChips } from './LateChip';

const SINCE = '2026-11-30T06:00:00.000Z';

describe('lateDescription', () => {
  it('says since when, how many partitions and the oldest', () => {
    expect(
      lateDescription({
        late: {
          since: SINCE,
          partitionCount: 3,
          oldestPartition: '2026-11-28T00:00:00.000Z',
        },
      }),
    ).toBe(
      `Late since ${formatTime(
        SINCE,
      )}: 3 partitions past their freshness deadline (oldest 2026-11-28)`,
    );
  });

  it('speaks of one partition in the singular and keeps a partition that is not a time', () => {
    expect(
      lateDescription({
        late: { since: SINCE, partitionCount: 1, oldestPartition: 'batch-7' },
      }),
    ).toBe(
      `Late since ${formatTime(
        SINCE,
      )}: 1 partition past its freshness deadline (oldest batch-7)`,
    );
  });

  it('says since when only, from a summary', () => {
    expect(lateDescription({ lateSince: SINCE })).toBe(
      `Late since ${formatTime(SINCE)}: past its freshness deadline`,
    );
  });

  it('is undefined when not late', () => {
    expect(lateDescription({})).toBeUndefined();
  });
});

describe('LateChip', () => {
  it('shows "late" with the details in its tooltip', async () => {
    render(
      <LateChip
        late={{
          since: SINCE,
          partitionCount: 2,
          oldestPartition: '2026-11-29T00:00:00.000Z',
        }}
      />,
    );
    const chip = screen.getByText('late');
    await userEvent.hover(chip);

    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      `Late since ${formatTime(
        SINCE,
      )}: 2 partitions past their freshness deadline (oldest 2026-11-29)`,
    );
  });

  it('shows nothing when not late', () => {
    const { container } = render(<LateChip />);
    expect(container).toBeEmptyDOMElement();
  });

  it('sits beside the run state', () => {
    render(<PipelineStateChips state="succeeded" lateSince={SINCE} />);
    expect(screen.getByText('succeeded')).toBeInTheDocument();
    expect(screen.getByText('late')).toBeInTheDocument();
  });
});

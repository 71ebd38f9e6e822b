import { mockServices } from '@backstage/backend-test-utils';
import {
  PIPELINES_CHANGED_SIGNAL_CHANNEL,
  pipelineSignalChannel,
} from '@tributary/plugin-pipelines-common';
import { PipelineSignals } from './PipelineSignals';

describe('PipelineSignals', () => {
  afterEach(() => jest.useRealTimers());

  it('gathers a burst of changes into one broadcast and one signal per pipeline', async () => {
    jest.useFakeTimers();
    const publish = jest.fn(async (_signal: unknown) => {});
    const signals = new PipelineSignals(
      { publish },
      mockServices.logger.mock(),
      1000,
    );
    signals.notify(['b', 'a']);
    signals.notify(['a', 'c']);
    expect(publish).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1000);
    expect(publish.mock.calls.map(([signal]) => signal)).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: PIPELINES_CHANGED_SIGNAL_CHANNEL,
        message: { pipelineIds: ['a', 'b', 'c'] },
      },
      ...['a', 'b', 'c'].map(id => ({
        recipients: { type: 'broadcast' },
        channel: pipelineSignalChannel(id),
        message: { pipelineIds: [id] },
      })),
    ]);

    publish.mockClear();
    await jest.advanceTimersByTimeAsync(5000);
    expect(publish).not.toHaveBeenCalled();
    signals.notify(['d']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(publish).toHaveBeenCalledTimes(2);
  });
});

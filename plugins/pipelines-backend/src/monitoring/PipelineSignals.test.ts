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

describe('PipelineSignals under a burst', () => {
  afterEach(() => jest.useRealTimers());

  it('sends every pipeline its own signal, a batch per flush', async () => {
    jest.useFakeTimers();
    const publish = jest.fn(async (_signal: { channel: string }) => {});
    const signals = new PipelineSignals(
      { publish } as any,
      mockServices.logger.mock(),
      1000,
    );
    const ids = Array.from({ length: 120 }, (_, i) => `p${i}`);
    signals.notify(ids);
    await jest.advanceTimersByTimeAsync(1000);
    const channels = () => publish.mock.calls.map(([s]) => s.channel);
    expect(
      channels().filter(c => c === PIPELINES_CHANGED_SIGNAL_CHANNEL),
    ).toHaveLength(1);
    expect(channels()).toHaveLength(1 + 50);
    await jest.advanceTimersByTimeAsync(2000);
    expect(new Set(channels())).toEqual(
      new Set([
        PIPELINES_CHANGED_SIGNAL_CHANNEL,
        ...ids.map(pipelineSignalChannel),
      ]),
    );
    expect(channels()).toHaveLength(1 + 120);
  });
});

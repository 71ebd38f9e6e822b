import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { PipelinesStore } from '../store/PipelinesStore';
import { RawEventRetention, readRawEventRetention } from './RawEventRetention';

const DAY = 86_400_000;

describe('readRawEventRetention', () => {
  it('keeps raw events 14 days unless configured', () => {
    expect(readRawEventRetention(new ConfigReader({}))).toEqual({ days: 14 });
    expect(
      readRawEventRetention(
        new ConfigReader({ pipelines: { events: { retention: 'P3D' } } }),
      ),
    ).toEqual({ days: 3 });
    expect(
      readRawEventRetention(
        new ConfigReader({
          pipelines: { events: { retention: { hours: 36 } } },
        }),
      ),
    ).toEqual({ hours: 36 });
  });

  it('refuses a retention that is not a duration, naming the key', () => {
    expect(() =>
      readRawEventRetention(
        new ConfigReader({ pipelines: { events: { retention: 'soon' } } }),
      ),
    ).toThrow(/pipelines\.events\.retention/);
  });
});

describe('RawEventRetention', () => {
  it('schedules an hourly prune of the events received before the retention', async () => {
    const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
    const scheduler = mockServices.scheduler.mock({
      scheduleTask: async task => {
        tasks.push(task);
      },
    });
    const pruneRawEvents = jest.fn(async (_receivedBefore: Date) => 3);
    await RawEventRetention.start({
      store: { pruneRawEvents } as unknown as PipelinesStore,
      scheduler,
      logger: mockServices.logger.mock(),
      retention: { days: 14 },
    });

    expect(tasks).toEqual([
      expect.objectContaining({
        id: 'pipelines-prune-raw-events',
        frequency: { hours: 1 },
      }),
    ]);
    const before = Date.now();
    await tasks[0].fn(new AbortController().signal);
    const after = Date.now();
    const cutoff = pruneRawEvents.mock.calls[0][0].getTime();
    expect(cutoff).toBeGreaterThanOrEqual(before - 14 * DAY);
    expect(cutoff).toBeLessThanOrEqual(after - 14 * DAY);
  });
});

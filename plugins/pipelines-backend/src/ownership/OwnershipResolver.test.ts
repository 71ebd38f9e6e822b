import { mockServices } from '@backstage/backend-test-utils';
import { readOwnerMapping } from './OwnershipService';
import {
  indexCatalogOwners,
  normalizeOwnerRef,
  OwnershipResolver,
} from './OwnershipResolver';

const catalog = indexCatalogOwners([
  { kind: 'User', metadata: { name: 'data' } },
  { kind: 'Group', metadata: { name: 'data', namespace: 'music' } },
  { kind: 'Group', metadata: { name: 'data' } },
  {
    kind: 'User',
    metadata: { name: 'mei.tanaka' },
    spec: { profile: { email: 'mei@example.com' } },
  },
]);

describe('OwnershipResolver', () => {
  const resolver = new OwnershipResolver(
    { 'airflow-admins': 'group:default/platform', ops: 'user:mei.tanaka' },
    catalog,
  );

  it('prefers the mapping, then entity refs, then names and emails', () => {
    expect(resolver.resolve(['airflow-admins'])).toEqual({
      owner: 'group:default/platform',
      unmapped: [],
    });
    expect(resolver.resolve(['ops']).owner).toBe('user:default/mei.tanaka');
    expect(resolver.resolve(['group:music/data']).owner).toBe(
      'group:music/data',
    );
    expect(resolver.resolve(['mei@example.com']).owner).toBe(
      'user:default/mei.tanaka',
    );
  });

  it('matches a shared name to the Group in the default namespace first', () => {
    expect(resolver.resolve(['data']).owner).toBe('group:default/data');
  });

  it('keeps the first resolved owner and reports every unresolved one', () => {
    expect(
      resolver.resolve(['ghost', 'mei.tanaka', 'data', 'user:default/ghost']),
    ).toEqual({
      owner: 'user:default/mei.tanaka',
      unmapped: ['ghost', 'user:default/ghost'],
    });
    expect(resolver.resolve(undefined)).toEqual({ unmapped: [] });
  });

  it('refuses a mapping to anything but a Group or User', () => {
    expect(() => normalizeOwnerRef('component:default/svc')).toThrow(
      "Owner 'component:default/svc' must be a Group or User entity ref, not a component",
    );
    expect(normalizeOwnerRef('team-a')).toBe('group:default/team-a');
  });
});

describe('readOwnerMapping', () => {
  const read = (mapping: unknown) =>
    readOwnerMapping(
      mockServices.rootConfig({
        data: { pipelines: { ownership: { mapping } } } as any,
      }),
    );

  it('reads source names that config keys could not hold', () => {
    expect(
      read([{ source: 'data-eng@example.com', owner: 'data-platform' }]),
    ).toEqual({ 'data-eng@example.com': 'group:default/data-platform' });
    expect(read(undefined)).toEqual({});
  });

  it('refuses an owner that is not a Group or User, naming the entry', () => {
    expect(() =>
      read([{ source: 'svc-team', owner: 'component:default/svc' }]),
    ).toThrow(
      "Invalid pipelines.ownership.mapping entry for 'svc-team': Owner 'component:default/svc' must be a Group or User entity ref, not a component",
    );
  });
});

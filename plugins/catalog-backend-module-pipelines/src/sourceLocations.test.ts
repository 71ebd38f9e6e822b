import {
  normalizeSourceLocation,
  SourceLocationMatcher,
  toHttpUrl,
} from './sourceLocations';

describe('normalizeSourceLocation', () => {
  it.each([
    ['url:https://github.com/Org/Repo/tree/main/', 'github.com/org/repo'],
    ['https://github.com/org/repo', 'github.com/org/repo'],
    ['https://github.com/org/repo.git', 'github.com/org/repo'],
    ['https://GitHub.com/org/repo/', 'github.com/org/repo'],
    [
      'https://github.com/org/repo/blob/main/dags/sales.py',
      'github.com/org/repo/dags/sales.py',
    ],
    [
      'url:https://github.com/org/mono/tree/main/services/orders/',
      'github.com/org/mono/services/orders',
    ],
    [
      'https://gitlab.example.com/group/sub/project/-/tree/main/jobs',
      'gitlab.example.com/group/sub/project/jobs',
    ],
    [
      'https://gitlab.example.com/group/sub/project/-/blob/v1.2/jobs/a.py?ref_type=tags',
      'gitlab.example.com/group/sub/project/jobs/a.py',
    ],
    ['git@github.com:org/repo.git', 'github.com/org/repo'],
    ['ssh://git@github.com:22/org/repo.git', 'github.com/org/repo'],
    ['https://user:secret@git.example.com/repo#readme', 'git.example.com/repo'],
  ])('normalises %s', (location, normalized) => {
    expect(normalizeSourceLocation(location)).toBe(normalized);
  });

  it.each(['file:/home/me/repo', 'url:https://github.com/', 'not a url', ''])(
    'ignores %j',
    location => {
      expect(normalizeSourceLocation(location)).toBeUndefined();
    },
  );
});

describe('toHttpUrl', () => {
  it('turns Git remotes into web URLs and drops credentials', () => {
    expect(toHttpUrl('git@github.com:org/repo.git')?.href).toBe(
      'https://github.com/org/repo.git',
    );
    expect(toHttpUrl('https://u:p@example.com/a?b=c')?.href).toBe(
      'https://example.com/a?b=c',
    );
    expect(toHttpUrl('mailto:someone@example.com')).toBeUndefined();
  });
});

describe('SourceLocationMatcher', () => {
  const matcher = new SourceLocationMatcher([
    {
      entityRef: 'component:default/sales',
      sourceLocation: 'url:https://github.com/org/sales/tree/main/',
    },
    {
      entityRef: 'component:default/mono-root',
      sourceLocation: 'url:https://github.com/org/mono/tree/main/',
    },
    {
      entityRef: 'component:default/orders',
      sourceLocation:
        'url:https://github.com/org/mono/tree/main/services/orders/',
    },
    {
      entityRef: 'component:default/twin-a',
      sourceLocation: 'url:https://github.com/org/twins/tree/main/',
    },
    {
      entityRef: 'component:default/twin-b',
      sourceLocation: 'url:https://github.com/org/twins',
    },
    { entityRef: 'component:default/local', sourceLocation: 'file:/tmp/x' },
  ]);

  it('matches a file in a repository to the repository', () => {
    expect(
      matcher.match('https://github.com/org/sales/blob/main/dags/sales.py'),
    ).toBe('component:default/sales');
    expect(matcher.match('git@github.com:org/sales.git')).toBe(
      'component:default/sales',
    );
    expect(matcher.match('https://github.com/ORG/Sales')).toBe(
      'component:default/sales',
    );
  });

  it('prefers the longest location', () => {
    expect(
      matcher.match(
        'https://github.com/org/mono/blob/abc123/services/orders/dags/a.py',
      ),
    ).toBe('component:default/orders');
    expect(
      matcher.match(
        'https://github.com/org/mono/blob/main/services/billing/b.py',
      ),
    ).toBe('component:default/mono-root');
  });

  it('matches whole path segments only', () => {
    expect(
      matcher.match('https://github.com/org/sales-reports/blob/main/a.py'),
    ).toBeUndefined();
    expect(
      matcher.match(
        'https://github.com/org/mono/blob/main/services/orders-v2/a.py',
      ),
    ).toBe('component:default/mono-root');
  });

  it('does not guess between components at the same location', () => {
    expect(
      matcher.match('https://github.com/org/twins/blob/main/a.py'),
    ).toBeUndefined();
  });

  it('matches nothing without a usable source URL', () => {
    expect(matcher.match(undefined)).toBeUndefined();
    expect(matcher.match('https://github.com/other/repo')).toBeUndefined();
    expect(matcher.match('s3://bucket/dags/a.py')).toBeUndefined();
  });
});

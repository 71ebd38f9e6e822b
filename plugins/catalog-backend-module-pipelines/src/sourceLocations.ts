/**
 * A repository location reduced to `host/path`, lowercase, without scheme,
 * credentials, query, `.git` or the branch part of a GitHub or GitLab browse
 * URL, so that a service's `backstage.io/source-location` and a pipeline's
 * source URL compare as path prefixes.
 */
export function normalizeSourceLocation(location: string): string | undefined {
  const url = toHttpUrl(location.trim().replace(/^url:/, ''));
  if (!url) return undefined;
  let segments = url.pathname.split('/').filter(Boolean);
  const gitlabSeparator = segments.indexOf('-');
  if (
    gitlabSeparator > 0 &&
    ['tree', 'blob'].includes(segments[gitlabSeparator + 1])
  ) {
    // GitLab: <group/subgroups/project>/-/tree/<ref>/<path>
    segments = [
      ...segments.slice(0, gitlabSeparator),
      ...segments.slice(gitlabSeparator + 3),
    ];
  } else if (['tree', 'blob'].includes(segments[2])) {
    // GitHub and GitHub Enterprise: <owner>/<repo>/tree/<ref>/<path>
    segments = [...segments.slice(0, 2), ...segments.slice(4)];
  }
  if (segments.length === 0) return undefined;
  // `<repo>.git` is a clone URL of the repository `<repo>`.
  segments = segments.map(segment => segment.replace(/\.git$/, ''));
  // GitHub and GitLab owners and repositories are case-insensitive, and people
  // write them both ways.
  return [url.host, ...segments].join('/').toLowerCase();
}

/**
 * An http(s) URL for a source location, also from the scp-like Git form
 * `git@host:owner/repo.git` and `ssh://git@host/owner/repo.git`.
 */
export function toHttpUrl(location: string): URL | undefined {
  const scpLike = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(location);
  const candidate = scpLike
    ? `https://${scpLike[1]}/${scpLike[2]}`
    : location.replace(/^(ssh|git\+ssh|git):\/\/(?:[^@/]+@)?/, 'https://');
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // An ssh port is not the web server's.
  if (candidate !== location) url.port = '';
  // Credentials have no place in a catalog annotation.
  url.username = '';
  url.password = '';
  return url;
}

/** A catalog Component and the repository location it declares. */
export interface ServiceLocation {
  entityRef: string;
  sourceLocation: string;
}

/**
 * Finds the service Component whose declared source location is the longest
 * path prefix of a pipeline's source URL.
 */
export class SourceLocationMatcher {
  private readonly refsByLocation: Map<string, string[]>;

  constructor(services: ServiceLocation[]) {
    this.refsByLocation = new Map();
    for (const service of services) {
      const location = normalizeSourceLocation(service.sourceLocation);
      if (location) {
        const refs = this.refsByLocation.get(location) ?? [];
        refs.push(service.entityRef);
        this.refsByLocation.set(location, refs);
      }
    }
  }

  /**
   * The matching service's entity ref, if exactly one service declares the
   * longest matching location: where several do (a repository with several
   * components at its root) any choice would be a guess.
   */
  match(sourceUrl: string | undefined): string | undefined {
    const location = sourceUrl && normalizeSourceLocation(sourceUrl);
    if (!location) return undefined;
    const segments = location.split('/');
    for (let length = segments.length; length > 1; length--) {
      const refs = this.refsByLocation.get(segments.slice(0, length).join('/'));
      if (refs) {
        return new Set(refs).size === 1 ? refs[0] : undefined;
      }
    }
    return undefined;
  }
}

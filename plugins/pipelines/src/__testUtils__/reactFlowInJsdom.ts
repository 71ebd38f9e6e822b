/**
 * React Flow measures with ResizeObserver (and, for fitting a view, offset
 * sizes) and reads its zoom from DOMMatrix, none of which jsdom has. Installs
 * stand-ins before a suite's tests and puts the originals back after them.
 */
export function installReactFlowInJsdom(
  options: {
    /** Size every element reports, for tests that fit the view to it. */
    pane?: { width: number; height: number };
  } = {},
) {
  const offsetSize = (name: 'offsetWidth' | 'offsetHeight') =>
    Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)!;
  const originals = {
    ResizeObserver: global.ResizeObserver,
    DOMMatrixReadOnly: (global as any).DOMMatrixReadOnly,
    offsetWidth: offsetSize('offsetWidth'),
    offsetHeight: offsetSize('offsetHeight'),
  };
  beforeAll(() => {
    global.ResizeObserver = class {
      observe() {}
      unobserve() {}
      disconnect() {}
    };
    (global as any).DOMMatrixReadOnly = class {
      m22: number;
      constructor(transform?: string) {
        const scale = transform?.match(/scale\(([0-9.]+)\)/)?.[1];
        this.m22 = scale ? Number(scale) : 1;
      }
    };
    const { pane } = options;
    if (pane) {
      Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
        configurable: true,
        get: () => pane.width,
      });
      Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
        configurable: true,
        get: () => pane.height,
      });
    }
  });
  afterAll(() => {
    global.ResizeObserver = originals.ResizeObserver;
    (global as any).DOMMatrixReadOnly = originals.DOMMatrixReadOnly;
    Object.defineProperty(
      HTMLElement.prototype,
      'offsetWidth',
      originals.offsetWidth,
    );
    Object.defineProperty(
      HTMLElement.prototype,
      'offsetHeight',
      originals.offsetHeight,
    );
  });
}

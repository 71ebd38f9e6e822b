interface Waiter {
  exclusive: boolean;
  grant: () => void;
}

/**
 * Many shared holders at once, or one exclusive holder. Waiters are granted in
 * arrival order, and a waiting exclusive holder keeps later shared ones out,
 * so that it is not starved.
 */
export class SharedExclusiveLock {
  private sharedHolders = 0;
  private exclusiveHeld = false;
  private readonly waiting: Waiter[] = [];

  withShared<T>(fn: () => Promise<T>): Promise<T> {
    return this.holding(false, fn);
  }

  withExclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.holding(true, fn);
  }

  private async holding<T>(
    exclusive: boolean,
    fn: () => Promise<T>,
  ): Promise<T> {
    await this.acquire(exclusive);
    try {
      return await fn();
    } finally {
      this.release(exclusive);
    }
  }

  private canGrant(exclusive: boolean): boolean {
    if (this.exclusiveHeld) {
      return false;
    }
    return exclusive ? this.sharedHolders === 0 : true;
  }

  private hold(exclusive: boolean) {
    if (exclusive) {
      this.exclusiveHeld = true;
    } else {
      this.sharedHolders += 1;
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.waiting.length === 0 && this.canGrant(exclusive)) {
      this.hold(exclusive);
      return Promise.resolve();
    }
    return new Promise(resolve => {
      this.waiting.push({ exclusive, grant: resolve });
    });
  }

  private release(exclusive: boolean) {
    if (exclusive) {
      this.exclusiveHeld = false;
    } else {
      this.sharedHolders -= 1;
    }
    while (
      this.waiting.length > 0 &&
      this.canGrant(this.waiting[0].exclusive)
    ) {
      const next = this.waiting.shift()!;
      this.hold(next.exclusive);
      next.grant();
    }
  }
}

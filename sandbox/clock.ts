/**
 * Virtual time. The app reads time only through `new Date()` / `Date.now()` (its clock adapter), so
 * the sandbox moves time by replacing the global Date with one that reads this clock. Timers are left
 * alone: HTTP timeouts to the loopback Okta emulator still run on real time.
 */
export class VirtualClock {
  private ms: number;
  private readonly RealDate = Date;
  private installed = false;

  constructor(startIso: string) {
    this.ms = Date.parse(startIso);
    if (Number.isNaN(this.ms)) throw new Error(`Not an ISO instant: ${startIso}`);
  }

  nowMs(): number {
    return this.ms;
  }
  now(): string {
    return new this.RealDate(this.ms).toISOString();
  }

  /** Only the sandbox scheduler calls this: use Sandbox.clock.advance so due work runs in order. */
  set(ms: number): void {
    if (ms < this.ms) throw new Error('Virtual time cannot go backwards');
    this.ms = ms;
  }

  install(): void {
    if (this.installed) return;
    const RealDate = this.RealDate;
    const nowMs = () => this.ms;
    class VirtualDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(nowMs());
        else super(...(args as [string | number | Date]));
      }
      static override now(): number {
        return nowMs();
      }
    }
    (globalThis as { Date: DateConstructor }).Date = VirtualDate as DateConstructor;
    this.installed = true;
  }

  uninstall(): void {
    if (!this.installed) return;
    (globalThis as { Date: DateConstructor }).Date = this.RealDate;
    this.installed = false;
  }
}

import { MedicalNerError } from './errors.js';

/** A named registry of factories: models and components are found by name, not by if-chains. */
export class Registry<T, A extends unknown[] = []> {
  private readonly factories = new Map<string, { factory: (...args: A) => T; description: string }>();

  constructor(readonly kind: string) {}

  register(name: string, factory: (...args: A) => T, description = ''): void {
    this.factories.set(name, { factory, description });
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  create(name: string, ...args: A): T {
    const entry = this.factories.get(name);
    if (!entry) {
      throw new MedicalNerError('INVALID_OPTION', `Unknown ${this.kind} "${name}". Available: ${this.names().join(', ') || '(none)'}`);
    }
    return entry.factory(...args);
  }

  names(): string[] {
    return [...this.factories.keys()];
  }

  describe(): { name: string; description: string }[] {
    return [...this.factories].map(([name, e]) => ({ name, description: e.description }));
  }
}

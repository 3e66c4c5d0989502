// One master.cf service's view of the configuration: a parameter's value is its `-o`
// override, else main.cf's, else Postfix's default, expanded; its position is where that
// value is written (the override, the main.cf line, or the service when it is a default).
import { expand, listItems, lookupIn, POSTFIX_DEFAULTS } from './expand.js';
import type { PostfixParameter } from './main-cf.js';
import type { MasterService } from './master-cf.js';
import type { PostfixPosition } from './positions.js';

export class ServiceView {
  readonly #lookup;
  constructor(
    readonly service: MasterService,
    readonly main: ReadonlyMap<string, PostfixParameter>,
    directory: string,
  ) {
    this.#lookup = lookupIn(service.overrides, main, { config_directory: directory, mail_name: 'Postfix' }, POSTFIX_DEFAULTS);
  }

  /** The expanded value ('' when neither set nor known). */
  get(name: string): string {
    const raw = this.#lookup(name);
    return raw === undefined ? '' : expand(raw, this.#lookup).trim();
  }

  /** Whether main.cf or the service sets it (not only a default). */
  isSet(name: string): boolean {
    return this.service.overrides.has(name) || this.main.has(name);
  }

  list(name: string): string[] {
    return listItems(this.get(name));
  }

  position(name: string): PostfixPosition {
    return this.service.overrides.get(name)?.position ?? this.main.get(name)?.position ?? this.service.position;
  }

  yes(name: string): boolean {
    return this.get(name).toLowerCase() === 'yes';
  }
}

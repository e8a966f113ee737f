import { ExpressionError } from '../errors';
import { messages, typeOfValue } from '../messages';
import type { ValueMapTables } from '../value-maps';
import { trip, type GuardState } from './guard';

/** The variable name expressions call: `$valueMap('customers', event.data.customerCode)`. */
export const VALUE_MAP_FUNCTION = 'valueMap';

/**
 * `$valueMap(name, key[, default])` for one evaluation.
 * - `key` that selects nothing gives nothing (like JSONata's own functions), so an optional field stays optional;
 * - numbers and booleans are looked up by their text (`1001` finds the row keyed "1001");
 * - a key with no row is an error naming the map and the key, unless a default is given, which is then returned;
 * - an unknown map name is an error (the compiler reports literal names before the flow runs).
 */
export function valueMapFunction(tables: ValueMapTables | undefined, state: GuardState) {
  const fail = (message: ExpressionError['message']): never => trip(state, new ExpressionError({ code: 'expression_error', message, expression: state.source }));
  return function valueMap(...args: unknown[]): unknown {
    const [name, key] = args;
    if (typeof name !== 'string') return fail(messages.valueMapBadArgument({ argument: 'name', got: typeOfValue(name) }));
    const table = tables && Object.hasOwn(tables, name) ? tables[name] : undefined;
    if (!table) return fail(messages.valueMapNotFound(name));
    if (key === undefined) return undefined;
    if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') return fail(messages.valueMapBadArgument({ argument: 'key', got: typeOfValue(key) }));
    const text = String(key);
    if (Object.hasOwn(table, text)) return table[text];
    if (args.length >= 3) return args[2];
    return fail(messages.valueMapMissingKey({ name, key: text }));
  };
}

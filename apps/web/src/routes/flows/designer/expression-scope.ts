import { createContext, useContext } from 'react';
import type { ValueMapTables } from '@qiao/flow';

/** The expression editor that picked fields are inserted into: the one focused last. */
export interface ExpressionTarget {
  /** Identifies the editor (its element id). */
  id: string;
  /** The field's name, shown above the tree. */
  label: string;
  /** Inserts text at the editor's cursor (replacing its selection) and focuses it. */
  insert(text: string): void;
}

/** What the expressions of the node being configured can read, and where picked fields go. */
export interface ExpressionScope {
  /** Ids of the nodes upstream of the node, whose outputs its expressions see; null when unknown (all). */
  upstream: readonly string[] | null;
  valueMaps: ValueMapTables;
  target: ExpressionTarget | null;
  setTarget(target: ExpressionTarget | null): void;
}

export const ExpressionScopeContext = createContext<ExpressionScope>({ upstream: null, valueMaps: {}, target: null, setTarget: () => undefined });

export function useExpressionScope(): ExpressionScope {
  return useContext(ExpressionScopeContext);
}

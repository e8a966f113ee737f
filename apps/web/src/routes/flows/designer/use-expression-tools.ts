import { useEffect, useState } from 'react';
import type * as Tools from './expression-tools';

export type ExpressionTools = typeof Tools;

let loading: Promise<ExpressionTools> | null = null;
let loaded: ExpressionTools | null = null;

/** Starts loading the expression tools (once per page). */
export function loadExpressionTools(): Promise<ExpressionTools> {
  loading ??= import('./expression-tools').then((tools) => (loaded = tools));
  return loading;
}

/** The expression tools, or null while their chunk is loading (or `wanted` is false and it has not been loaded yet). */
export function useExpressionTools(wanted = true): ExpressionTools | null {
  const [tools, setTools] = useState<ExpressionTools | null>(loaded);
  useEffect(() => {
    if (tools || !wanted) return;
    let live = true;
    void loadExpressionTools().then((t) => live && setTools(t));
    return () => {
      live = false;
    };
  }, [tools, wanted]);
  return tools ?? loaded;
}

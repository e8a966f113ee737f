import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { keys } from '../../../api/keys';
import { useErrorText } from '../../../hooks/use-error-text';
import type { EditorDocument } from '../../../lib/flow-editor-model';
import { trpc } from '../../../trpc';

export type SaveState = { kind: 'saved' } | { kind: 'pending' } | { kind: 'saving' } | { kind: 'error'; message: string };

const SAVE_DELAY_MS = 1000;

/**
 * Saves the draft a second after the last change (and when leaving the page); warns before closing
 * the tab with unsaved changes. `saveNow` saves at once (before publishing).
 */
export function useAutosave(flowId: string, doc: EditorDocument): { state: SaveState; saveNow: () => Promise<boolean> } {
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [savedDoc, setSavedDoc] = useState(doc);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const savedRef = useRef(doc);
  const latest = useRef(doc);
  useLayoutEffect(() => {
    latest.current = doc;
  }, [doc]);

  const saveNow = useCallback(async (): Promise<boolean> => {
    const target = latest.current;
    if (target === savedRef.current) return true;
    setSaving(true);
    try {
      await trpc.flows.saveDraft.mutate({ id: flowId, document: target });
      savedRef.current = target;
      setSavedDoc(target);
      setError(null);
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    } finally {
      setSaving(false);
    }
  }, [errorText, flowId]);

  useEffect(() => {
    if (doc === savedRef.current) return;
    const timer = setTimeout(() => void saveNow(), SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [doc, saveNow]);

  // Leaving the page saves what is not saved yet.
  useEffect(
    () => () => {
      const unsaved = latest.current !== savedRef.current;
      const done = unsaved ? trpc.flows.saveDraft.mutate({ id: flowId, document: latest.current }) : Promise.resolve();
      void done.finally(() => queryClient.invalidateQueries({ queryKey: keys.flows }));
    },
    [flowId, queryClient],
  );

  const state: SaveState = saving ? { kind: 'saving' } : error !== null ? { kind: 'error', message: error } : doc !== savedDoc ? { kind: 'pending' } : { kind: 'saved' };

  useEffect(() => {
    if (state.kind === 'saved') return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [state.kind]);

  return { state, saveNow };
}

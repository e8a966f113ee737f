import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keys } from '../../api/keys';
import { trpc, type RouterOutputs } from '../../trpc';

export type DeskItem = RouterOutputs['desk']['list'][number];

/** The step an action is about: the server applies it only while the step is still this failed try. */
export interface StepRef {
  runId: string;
  nodeId: string;
  attempt: number;
}

export type DeskAction =
  | { kind: 'retry'; ref: StepRef }
  | { kind: 'retryWithInput'; ref: StepRef; input: unknown }
  | { kind: 'skip'; ref: StepRef; output: unknown }
  | { kind: 'cancel'; runId: string };

async function perform(action: DeskAction): Promise<unknown> {
  switch (action.kind) {
    case 'retry':
      return trpc.desk.retry.mutate(action.ref);
    case 'retryWithInput':
      return trpc.desk.retry.mutate({ ...action.ref, input: action.input });
    case 'skip':
      return trpc.desk.skip.mutate({ ...action.ref, output: action.output });
    case 'cancel':
      return trpc.desk.cancel.mutate({ runId: action.runId });
  }
}

/** One mutation for every desk action; while it is pending the row's buttons are disabled, so a double click sends once. */
export function useDeskAction(onDone?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: perform,
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.desk });
      await queryClient.invalidateQueries({ queryKey: keys.runs });
    },
    onSuccess: () => onDone?.(),
  });
}

import { z } from 'zod';

/** Shared by the status actions (submit, audit, un-audit): they all act on bills by number. */
export const billNumbersInput = z.object({
  formId: z.string().min(1),
  numbers: z.array(z.string().trim().min(1)).min(1).max(1000),
});

export const billNumbersOutput = z.object({ numbers: z.array(z.string()) });

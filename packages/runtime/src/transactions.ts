/** Prisma's defaults (2 s to start, 5 s to run) are too tight for a busy database; a timeout there would cost a whole attempt. */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;

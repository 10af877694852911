/** The exit statuses of the programs, decided here and nowhere else. */
export const EXIT_OK = 0;
/** A listing or query failed (No such service on -L, dump failure, /proc problems). */
export const EXIT_QUERY_FAILED = 1;
/** Output could not be written (an intentional difference: 1.31 reports success). */
export const EXIT_WRITE_ERROR = 1;
/** ipvsadm-save was given an option it does not know (the shell script's `exit 1`). */
export const EXIT_SAVE_USAGE = 1;
/** `diff`: there are changes to make. */
export const EXIT_DIFF_PENDING = 1;
/** `apply`: the kernel refused a change (rolled back), or another apply held the lock. */
export const EXIT_APPLY_FAILED = 1;
/** drain: the server's connections did not end in time (it stays at weight 0). */
export const EXIT_DRAIN_TIMEOUT = 1;
/** Bad arguments or values; IPVS could not be initialised; an unusable rules file. */
export const EXIT_USAGE = 2;
/** What a shell reports for a program killed by SIGPIPE (128 + 13); the wrappers exit with it. */
export const EXIT_SIGPIPE = 141;
/** The kernel refused a change; popt errors; the `Try ...` line. */
export const EXIT_KERNEL_REFUSED = 255;
/** A program stopped by a signal it handled (after an apply's rollback): 128 + the signal number. */
export function exitStatusForSignal(signalNumber: number): number {
  return 128 + signalNumber;
}
/** A failure the program did not expect: one line, and the status of a failed change. */
export const EXIT_INTERNAL_ERROR = 255;

/** ipvsadm's exit statuses, decided here and nowhere else. */
export const EXIT_OK = 0;
/** A listing or query failed (No such service on -L, dump failure, /proc problems). */
export const EXIT_QUERY_FAILED = 1;
/** Bad arguments or values; IPVS could not be initialised. */
export const EXIT_USAGE = 2;
/** The kernel refused a change; popt errors; the `Try ...` line. */
export const EXIT_KERNEL_REFUSED = 255;

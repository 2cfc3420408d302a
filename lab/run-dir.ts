/**
 * Where this machine's lab lives: the lock every run that changes a lab takes, and the embedded
 * lab's state, configurations, sockets and logs. tmpfs: gone at reboot, like the namespaces.
 */
export const RUN_DIR = process.env.FABRICSPEC_RUN_DIR ?? "/run/fabricspec";

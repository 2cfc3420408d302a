/*
 * The pod sandbox's process: what Kubernetes' own pause (build/pause/linux/pause.c) does, written
 * here because the embedded lab has no registry to pull registry.k8s.io/pause from. As PID 1 of the
 * pod's PID namespace it sleeps until told to stop, exits at once on SIGINT or SIGTERM, and reaps
 * any child that is reparented to it. Built static (scripts/build-pod-images.sh): the image holds
 * this file alone.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int signal) {
  (void)signal;
  _exit(0);
}

static void reap(int signal) {
  (void)signal;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("fabricspec pause 1");
    return 0;
  }
  if (getpid() != 1) fprintf(stderr, "pause: not PID 1 (%d): still pausing\n", (int)getpid());
  struct sigaction on_stop = {.sa_handler = stop};
  struct sigaction on_child = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP};
  if (sigaction(SIGINT, &on_stop, NULL) < 0 || sigaction(SIGTERM, &on_stop, NULL) < 0 || sigaction(SIGCHLD, &on_child, NULL) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  for (;;) pause();
}

/* memhog: the v2 lab's workload (built with gcc -static; the app and pause processes inside the guest).
 *   memhog hold <MiB>   allocate and touch <MiB> of anonymous memory, print "ready", then sleep until killed
 *   memhog grow         allocate and touch 1 MiB at a time until the kernel OOM-kills it
 * Pages are written with a non-zero byte so that neither the kernel nor THP can share zero pages. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void touch(size_t mib) {
  for (size_t i = 0; i < mib; i++) {
    char *p = malloc(1 << 20);
    if (!p) _exit(3);
    memset(p, 0x5a, 1 << 20);
  }
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "hold") == 0) {
    touch((size_t)strtoul(argv[2], 0, 10));
    if (write(1, "ready\n", 6) != 6) return 4;
    for (;;) pause();
  }
  if (argc == 2 && strcmp(argv[1], "grow") == 0) {
    for (;;) touch(1);
  }
  return 2;
}

/* A stand-in for libsndfile: which of its functions a build exports, and
   at which version node, is set by the version script of each case. The
   pointer table gives the library relative relocations; getenv makes it
   need libc. */
#include <stdlib.h>

static const char *names[] = {"libsndfile-1.0.29", "newer"};

const char *sf_version_string(void) { return names[0]; }

const char *sf_newer(void) { return names[1]; }

const char *sf_env(void) { return getenv("SINE"); }

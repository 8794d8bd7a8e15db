/* Loads the stand-in libsndfile and calls it. sf_newer is a weak
   reference: the program runs without it. */
#include <stdio.h>

const char *sf_version_string(void);
const char *sf_newer(void) __attribute__((weak));

int main(void) {
    printf("%s %s\n", sf_version_string(), sf_newer ? sf_newer() : "-");
    return 0;
}

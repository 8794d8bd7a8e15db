/* Needs nothing but libc: for the static and loader-less executables. */
#include <stdio.h>

int main(void) {
    puts("hello");
    return 0;
}

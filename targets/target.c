#include "target.h"

#include <stddef.h>

const char *const target_names[] = { "host", NULL };

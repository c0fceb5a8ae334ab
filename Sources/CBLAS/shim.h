// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). Used only on the fast
// paths; every layer keeps a plain Swift path that tests compare with it.
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

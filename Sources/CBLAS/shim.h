// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). Used only on the fast
// paths; every layer keeps a plain Swift path that tests compare with it.
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
// The kernel family OpenBLAS chose when it was loaded ("Haswell", "SkylakeX", …) and its
// build configuration ("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH … MAX_THREADS=64").
char *openblas_get_corename(void);
char *openblas_get_config(void);

// OpenBLAS's CBLAS interface plus its thread control (openblas_set_num_threads), and glibc's
// mallopt, which the tensor core uses to keep freed buffers in the heap between training steps.
#include <cblas.h>
#include <malloc.h>

// sendguard: the CUPS backend of the print guard (docs/PRINT_GUARD.md).
#include "print_guard/backend.h"

int main(int argc, char** argv) { return print_guard::RunBackend(argc, argv); }

// sendguard-central: the central incident and policy service (CONTRACTS.md §5).
// A thin main over the central library.
#include "central/cli.h"

int main(int argc, char** argv) { return central::RunCli(argc, argv); }

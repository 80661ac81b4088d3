// Processor features chosen at run time by the byte scanners. The program is built for
// plain x86-64 (SSE2); where the processor has AVX2, the hottest scanners of the plain-text
// run look at 32 bytes at a time instead of 16, with the same results. Thread-safe.
#ifndef DOCCHECK_SRC_TEXT_CPU_H_
#define DOCCHECK_SRC_TEXT_CPU_H_

namespace doccheck {

// True when the 32-byte (AVX2) paths are to be used: the processor has AVX2 and they are
// not switched off (by SetAvx2Enabled, or DOCCHECK_SIMD=sse2 in the environment).
bool Avx2Enabled();

// Switches the 32-byte paths off (false) or back on where the processor has AVX2, so that
// tests compare them with the 16-byte ones. Not to be called while scanning.
void SetAvx2Enabled(bool on);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_TEXT_CPU_H_

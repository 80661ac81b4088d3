#include "text/cpu.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace doccheck {
namespace {

bool CpuHasAvx2() {
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
#else
  return false;
#endif
}

std::atomic<bool>& Enabled() {
  static std::atomic<bool> enabled = [] {
    const char* simd = std::getenv("DOCCHECK_SIMD");
    return CpuHasAvx2() && (simd == nullptr || std::strcmp(simd, "sse2") != 0);
  }();
  return enabled;
}

}  // namespace

bool Avx2Enabled() { return Enabled().load(std::memory_order_relaxed); }

void SetAvx2Enabled(bool on) { Enabled().store(on && CpuHasAvx2(), std::memory_order_relaxed); }

}  // namespace doccheck

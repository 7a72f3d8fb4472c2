#!/usr/bin/env bash
# `make sanitize` (issue 15): the C++ of contracts/, mapping/, host/, sim/ and the small Verilated
# models (fp units, MAC, centroid-match, timing checker, small channel) built with
# AddressSanitizer + UndefinedBehaviorSanitizer (cmake -DSTARC_SANITIZE=ON, in BUILD-asan, -O1),
# and their test suites run (but the tests that write FST waves, see below); any sanitizer report fails the run (UB is not recoverable, ASan
# aborts at the first error, LeakSanitizer reports leaks at exit). Not built: the 64-bank channel
# and the tests that run the starcsim binary (it links that channel). Prints the build and test
# times.
set -euo pipefail
BUILD=${1:-build}
JOBS=${JOBS:-$(nproc)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ASAN_BUILD=${BUILD}-asan
TESTS=(test_pim_arith test_golden_mpfr test_energy_model test_kv_source test_timing_rules
       test_controller test_kmeans test_layout test_striped_layout test_policies
       test_centroid_match test_fp_units test_mac_rtl test_channel test_decode_cosim)
start=$(date +%s)
cmake -S "$ROOT" -B "$ASAN_BUILD" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 \
  -DSTARC_SANITIZE=ON >/dev/null
cmake --build "$ASAN_BUILD" -j"$JOBS" --target "${TESTS[@]}"
built=$(date +%s)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Each test executable runs once (all its tests in one process); its log is kept beside it.
status=0
for t in "${TESTS[@]}"; do
  echo "sanitize: $t"
  # The wave tests are left out: Verilator 5.006's bundled FST writer (fstapi.c:858) stores a
  # uint32_t at a misaligned address, which UBSan reports (third-party code, not ours).
  "$ASAN_BUILD/tests/$t" --gtest_brief=1 --gtest_filter='-*Waves*' >"$ASAN_BUILD/tests/$t.sanitize.log" 2>&1 || {
    status=1
    tail -30 "$ASAN_BUILD/tests/$t.sanitize.log"
  }
  grep -E "runtime error|AddressSanitizer|LeakSanitizer" "$ASAN_BUILD/tests/$t.sanitize.log" && status=1 || true
done
end=$(date +%s)
echo "sanitize: build $((built - start)) s, tests $((end - built)) s, $([ $status = 0 ] && echo clean || echo FAILED)"
exit $status

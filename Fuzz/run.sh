#!/bin/sh
# Builds the libFuzzer harnesses (Fuzz/<parser>/, `swift build --sanitize=fuzzer --sanitize=address` into
# .build-fuzz) and runs them ONE AT A TIME over their committed corpora (Fuzz/corpus/<parser>/).
#
#   Fuzz/run.sh [PARSER...]           each for FUZZ_RUNS executions or FUZZ_SECONDS, whichever first
#   FUZZ_SECONDS=3 Fuzz/run.sh        the short regression run of `make test`
#
# New inputs go to .build-fuzz/corpus/<parser>/ (the committed corpus is read, never written);
# a crash, hang (-timeout) or allocation over the limits leaves its input in
# .build-fuzz/artifacts/<parser>/ and makes this script exit 1. Logs: .build-fuzz/logs/<parser>.log.
# Building needs libFuzzer in the Swift toolchain (Linux); without it the build fails and so
# does this script: it never skips.
set -u
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
FUZZ_RUNS=${FUZZ_RUNS:-1000000}
FUZZ_SECONDS=${FUZZ_SECONDS:-600}
ALL="toml chain-space darts-string nb201-string genotype-json idx cifar tabular-csv theme"
PARSERS=${*:-$ALL}
OUT=.build-fuzz

for p in $PARSERS; do
    if ! NAS_TUI_FUZZ=1 $SWIFT build -c release --sanitize=fuzzer --sanitize=address --scratch-path $OUT --product fuzz-$p >$OUT.build.log 2>&1; then
        cat $OUT.build.log >&2
        echo "fuzz: cannot build fuzz-$p with --sanitize=fuzzer (is libFuzzer part of this Swift toolchain?)" >&2
        exit 1
    fi
done

failed=""
for p in $PARSERS; do
    mkdir -p $OUT/corpus/$p $OUT/artifacts/$p $OUT/logs
    # Run from the artifacts directory: libFuzzer writes a crashing input as crash-<sha1> there.
    $OUT/release/fuzz-$p -runs=$FUZZ_RUNS -max_total_time=$FUZZ_SECONDS \
        -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -max_len=16384 -print_final_stats=1 \
        -artifact_prefix=$OUT/artifacts/$p/ $OUT/corpus/$p Fuzz/corpus/$p >$OUT/logs/$p.log 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' $OUT/logs/$p.log)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' $OUT/logs/$p.log)
    if [ $status -eq 0 ]; then
        echo "fuzz-$p: ${runs:-?} executions in ${secs:-?} s, no crash"
    else
        echo "fuzz-$p: FAILED (exit $status) after ${runs:-?} executions; the input is in $OUT/artifacts/$p/:" >&2
        grep -E "ERROR|Fatal error|SUMMARY|Test unit written|panic|precondition" $OUT/logs/$p.log | head -8 >&2
        failed="$failed $p"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: failures in:$failed (logs in $OUT/logs/)" >&2
    exit 1
fi

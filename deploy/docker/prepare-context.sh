#!/usr/bin/env bash
# Puts what deploy/docker/Dockerfile copies into deploy/docker/build/: the shaded job jar and
# TensorFlow's natives (CPU and GPU classifiers) from Maven. Run from anywhere.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/deploy/docker/build"
mkdir -p "$out"
cd "$root"
if ! ls flink-jobs/target/vlstream-flink-jobs-*-job.jar >/dev/null 2>&1; then
  mvn -B -q -DskipTests -Dspotless.check.skip=true -pl flink-jobs -am package
fi
cp flink-jobs/target/vlstream-flink-jobs-*-job.jar "$out/vlstream-job.jar"
for classifier in ${TF_CLASSIFIERS:-linux-x86_64 linux-x86_64-gpu}; do
  mvn -B -q dependency:copy \
    -Dartifact="org.tensorflow:tensorflow-core-native:1.1.0:jar:$classifier" \
    -DoutputDirectory="$out"
done
ls -l "$out"

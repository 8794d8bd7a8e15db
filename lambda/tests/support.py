"""Shared by the handler tests: the unzipped Lambda ZIP, a fake context, and
the WAV oracle (the same check as tests/wavcheck, in Python)."""

import decimal
import io
import math
import os
import platform
import shutil
import sys
import tempfile
import wave
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIST = os.path.join(ROOT, "target", "dist")


def unzip_bundle(arch):
    """Unzips target/dist/sine-lambda-ARCH.zip into a fresh directory, with
    the modes the ZIP records, and returns it (the caller removes it)."""
    path = os.path.join(DIST, f"sine-lambda-{arch}.zip")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} is missing: run `cargo xtask dist` first")
    task = tempfile.mkdtemp(prefix="task-")
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            archive.extract(info, task)
            os.chmod(os.path.join(task, info.filename), (info.external_attr >> 16) & 0o777)
    if arch != platform.machine():
        _run_under_qemu(task, arch)
    return task


def _run_under_qemu(task, arch):
    """Puts a script in place of a foreign sine that runs it under
    qemu-user (binfmt_misc is not available here): the handler still runs
    $LAMBDA_TASK_ROOT/sine, and sine still finds libsndfile beside itself."""
    sine = os.path.join(task, "sine")
    os.rename(sine, f"{sine}.{arch}")
    with open(sine, "w") as script:
        script.write(
            "#!/bin/sh\n"
            f'exec qemu-{arch}-static -L /usr/{arch}-linux-gnu "$(dirname "$0")/sine.{arch}" "$@"\n'
        )
    os.chmod(sine, 0o755)


def load_handler(task):
    """Imports lambda_function from the unzipped bundle, as Lambda does."""
    sys.modules.pop("lambda_function", None)
    sys.path.insert(0, task)
    try:
        import lambda_function
    finally:
        sys.path.remove(task)
    return lambda_function


class Context:
    """The part of Lambda's context object the handler uses."""

    aws_request_id = "test-request-id"

    def __init__(self, remaining_ms=30_000):
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self):
        return self.remaining_ms


def check_wav(data, frequency, duration=2.0, sample_rate=44100, bits=24, amplitude=127 / 128):
    """Decodes a WAV and compares every sample with round(A·sin(2π·f·n/rate))
    within ±1 LSB. Returns the samples; raises AssertionError on a mismatch."""
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getnchannels() == 1, wav.getnchannels()
        assert wav.getframerate() == sample_rate, wav.getframerate()
        assert wav.getsampwidth() == bits // 8, wav.getsampwidth()
        frames = wav.getnframes()
        raw = wav.readframes(frames)
    assert frames == expected_frames(duration, sample_rate), frames
    width = bits // 8
    full = 2 ** (bits - 1)
    peak = amplitude * full
    samples = []
    for n in range(frames):
        got = int.from_bytes(raw[n * width:(n + 1) * width], "little", signed=True)
        want = max(-full, min(full - 1, round(peak * math.sin(2 * math.pi * frequency * n / sample_rate))))
        assert abs(got - want) <= 1, f"sample {n} is {got}, want {want} ± 1"
        samples.append(got)
    return samples


def expected_frames(duration, sample_rate):
    """round(duration·rate) as sine computes it: the f64 product, halves away
    from zero (Python's round() takes halves to even)."""
    exact = decimal.Decimal(duration * sample_rate)
    return int(exact.to_integral_value(rounding=decimal.ROUND_HALF_UP))


def remove(task):
    shutil.rmtree(task, ignore_errors=True)

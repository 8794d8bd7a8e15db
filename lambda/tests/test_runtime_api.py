"""A real round trip through a Lambda Runtime API: cargo-lambda's emulator,
the official Python runtime interface client (awslambdaric) running the
handler from the unzipped ZIP with Lambda's environment, and `cargo lambda
invoke`. Every process is started and stopped here, each with a time limit."""

import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import runtime_adapter
from support import check_wav, remove, unzip_bundle

LIMIT = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, what):
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on {port} within {LIMIT} s")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class RuntimeApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.task = unzip_bundle("x86_64")
        cls.addClassCleanup(remove, cls.task)
        # `cargo lambda watch` wants to run in a crate.
        crate = tempfile.mkdtemp(prefix="emulator-")
        cls.addClassCleanup(remove, crate)
        with open(os.path.join(crate, "Cargo.toml"), "w") as f:
            f.write('[package]\nname = "emulator"\nversion = "0.0.0"\nedition = "2021"\n')
        os.mkdir(os.path.join(crate, "src"))
        with open(os.path.join(crate, "src", "main.rs"), "w") as f:
            f.write("fn main() {}\n")
        cls.port = free_port()
        cls.emulator = subprocess.Popen(
            ["cargo", "lambda", "watch", "--only-lambda-apis",
             "--invoke-address", "127.0.0.1", "--invoke-port", str(cls.port)],
            cwd=crate, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        cls.addClassCleanup(stop, cls.emulator)
        wait_for_port(cls.port, cls.emulator, "cargo lambda watch")
        cls.adapter = runtime_adapter.start(cls.port)
        cls.addClassCleanup(cls.adapter.shutdown)
        task = cls.task
        env = {
            "PATH": os.environ["PATH"],
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{cls.adapter.server_address[1]}/.rt",
            "AWS_LAMBDA_FUNCTION_NAME": "_",
            "LAMBDA_TASK_ROOT": task,
            "PYTHONPATH": task,
            "LD_LIBRARY_PATH": f"/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:{task}:{task}/lib:/opt/lib",
        }
        cls.client = subprocess.Popen(
            [sys.executable, "-m", "awslambdaric", "lambda_function.handler"],
            cwd=task, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        cls.addClassCleanup(stop, cls.client)

    def invoke(self, event):
        done = subprocess.run(
            ["cargo", "lambda", "invoke", "--invoke-address", "127.0.0.1", "--invoke-port", str(self.port),
             "--output-format", "json", "--data-ascii", json.dumps(event)],
            capture_output=True, timeout=LIMIT, check=False,
        )
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        self.assertIsNone(self.client.poll(), "the runtime client exited")
        return json.loads(done.stdout)

    def test_a_tone_comes_back_as_a_wav(self):
        response = self.invoke({"frequency": 2600})
        self.assertEqual(response["statusCode"], 200)
        self.assertEqual(response["headers"], {"Content-Type": "audio/wav"})
        check_wav(base64.b64decode(response["body"]), frequency=2600)

    def test_a_bad_event_gets_400_and_the_client_keeps_serving(self):
        response = self.invoke({"frequency": "loud"})
        self.assertEqual(response["statusCode"], 400)
        self.assertEqual(json.loads(response["body"]), {"error": 'frequency: is not a number: "loud"', "field": "frequency"})
        # A value sine refuses: its own message.
        response = self.invoke({"frequency": 440, "sample_rate": 4000})
        self.assertEqual(response["statusCode"], 400)
        self.assertEqual(json.loads(response["body"]), {
            "error": "sample rate 4000 Hz is not supported (use 8000 to 192000 Hz)", "field": "sample_rate",
        })
        response = self.invoke({"frequency": 1000, "duration": 0.1, "bits": 16})
        check_wav(base64.b64decode(response["body"]), frequency=1000, duration=0.1, bits=16)

    def test_a_function_url_event(self):
        event = {
            "version": "2.0",
            "rawPath": "/",
            "rawQueryString": "frequency=500&duration=0.2",
            "queryStringParameters": {"frequency": "500", "duration": "0.2"},
            "requestContext": {"http": {"method": "GET"}},
            "isBase64Encoded": False,
        }
        response = self.invoke(event)
        self.assertEqual(response["statusCode"], 200, response["body"][:300])
        check_wav(base64.b64decode(response["body"]), frequency=500, duration=0.2)


class AdapterTest(unittest.TestCase):
    def test_it_fixes_exactly_the_two_headers(self):
        fixed = runtime_adapter.fix_next_headers(
            [("Lambda-Runtime-Deadline-Ms", "600000"), ("Lambda-Runtime-Aws-Request-Id", "x")], 1_700_000_000_000
        )
        self.assertEqual(fixed, [
            ("Lambda-Runtime-Deadline-Ms", "1700000600000"),
            ("Lambda-Runtime-Aws-Request-Id", "x"),
            ("Content-Type", "application/json"),
        ])
        untouched = [("Lambda-Runtime-Deadline-Ms", "1700000600000"), ("content-type", "application/json")]
        self.assertEqual(runtime_adapter.fix_next_headers(untouched, 5), untouched)


if __name__ == "__main__":
    unittest.main()

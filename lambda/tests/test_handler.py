"""lambda_function.handler, from the unzipped x86_64 ZIP, running the real
bundled sine. (The aarch64 ZIP: test_handler_aarch64.py.)"""

import base64
import json
import os
import shutil
import unittest

from support import Context, check_wav, load_handler, remove, unzip_bundle

ARCH = os.environ.get("HANDLER_TEST_ARCH", "x86_64")


class HandlerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.task = unzip_bundle(ARCH)
        cls.addClassCleanup(remove, cls.task)
        cls.module = load_handler(cls.task)
        os.environ["LAMBDA_TASK_ROOT"] = cls.task

    def invoke(self, event, context=None):
        response = self.module.handler(event, context or Context())
        self.assertEqual(set(response), {"statusCode", "headers", "isBase64Encoded", "body"})
        return response

    def wav(self, event, **expected):
        response = self.invoke(event)
        self.assertEqual(response["statusCode"], 200, response["body"][:300])
        self.assertEqual(response["headers"], {"Content-Type": "audio/wav"})
        self.assertIs(response["isBase64Encoded"], True)
        return check_wav(base64.b64decode(response["body"]), **expected)

    def error(self, event, status, field, words, context=None):
        response = self.invoke(event, context)
        self.assertEqual(response["statusCode"], status, response["body"][:300])
        self.assertEqual(response["headers"], {"Content-Type": "application/json"})
        body = json.loads(response["body"])
        self.assertEqual(body.get("field"), field, body)
        self.assertIn(words, body["error"])
        return body

    def test_direct_invoke_with_defaults(self):
        self.wav({"frequency": 2600}, frequency=2600)

    def test_direct_invoke_with_every_field(self):
        samples = self.wav(
            {"frequency": 440.5, "duration": 0.5, "sample_rate": 48000, "bits": 16},
            frequency=440.5, duration=0.5, sample_rate=48000, bits=16,
        )
        self.assertEqual(len(samples), 24000)

    def test_function_url_query_string(self):
        event = {
            "version": "2.0",
            "rawPath": "/",
            "queryStringParameters": {"frequency": "1000", "duration": "0.25", "bits": "32"},
            "requestContext": {"http": {"method": "GET"}},
            "isBase64Encoded": False,
        }
        self.wav(event, frequency=1000, duration=0.25, bits=32)

    def test_http_api_json_body_wins_over_the_query(self):
        body = json.dumps({"frequency": 300, "duration": 0.1})
        event = {
            "version": "2.0",
            "queryStringParameters": {"frequency": "5000"},
            "requestContext": {"http": {"method": "POST"}},
            "body": base64.b64encode(body.encode()).decode(),
            "isBase64Encoded": True,
        }
        self.wav(event, frequency=300, duration=0.1)

    def test_missing_frequency(self):
        self.error({"duration": 1}, 400, "frequency", "frequency: is missing")

    def test_not_a_number(self):
        self.error({"frequency": "abc"}, 400, "frequency", 'frequency: is not a number: "abc"')
        self.error({"frequency": True}, 400, "frequency", "is not a number: true")
        self.error({"frequency": 440, "bits": "24.5"}, 400, "bits", "is not a whole number")
        self.error({"frequency": "nan"}, 400, "frequency", "is not a finite number")

    def test_out_of_range(self):
        self.error({"frequency": 0}, 400, "frequency", "is out of range: 0")
        self.error({"frequency": 22050}, 400, "frequency", "below 22050 Hz")
        self.error({"frequency": 440, "duration": -1}, 400, "duration", "is out of range: -1")
        self.error({"frequency": 440, "duration": 1e-6}, 400, "duration", "use at least one sample")
        self.error({"frequency": 440, "sample_rate": 1000}, 400, "sample_rate", "is out of range: 1000")
        self.error({"frequency": 440, "bits": 8}, 400, "bits", "is out of range: 8")

    def test_bad_http_body(self):
        event = {"requestContext": {}, "body": "{not json", "isBase64Encoded": False}
        self.error(event, 400, "body", "body: is not JSON")
        self.error({"requestContext": {}, "body": "[1]"}, 400, "body", "must be a JSON object")
        self.error(["frequency"], 400, "event", "must be a JSON object")

    def test_response_over_the_payload_limit_is_413_before_running_sine(self):
        # 24-bit mono at 44.1 kHz: 6 MB of base64 is about 34 s.
        os.environ["LAMBDA_TASK_ROOT"] = "/nonexistent"
        try:
            self.error({"frequency": 440, "duration": 40}, 413, "duration", "over Lambda's 6291456-byte limit")
        finally:
            os.environ["LAMBDA_TASK_ROOT"] = self.task
        self.wav({"frequency": 440, "duration": 30}, frequency=440, duration=30)

    def test_sine_failing_is_500_with_its_error(self):
        # sine's own limit is 4 GiB; make it fail for real: no binary at all.
        os.environ["LAMBDA_TASK_ROOT"] = self.task + "-missing"
        try:
            self.error({"frequency": 440}, 500, None, "internal error: FileNotFoundError")
        finally:
            os.environ["LAMBDA_TASK_ROOT"] = self.task

    def test_sine_error_line_is_returned(self):
        # A broken bundle: its libsndfile.so.1 is not a library.
        broken = self.task + "-broken"
        shutil.copytree(self.task, broken, symlinks=True)
        self.addCleanup(remove, broken)
        with open(os.path.join(broken, "libsndfile.so.1"), "w") as library:
            library.write("not a library")
        os.environ["LAMBDA_TASK_ROOT"] = broken
        try:
            body = self.error({"frequency": 440}, 500, None, ": error while loading shared libraries: ")
            self.assertTrue(body["error"].endswith("libsndfile.so.1: file too short"), body)
        finally:
            os.environ["LAMBDA_TASK_ROOT"] = self.task

    def test_timeout_from_the_context(self):
        self.error({"frequency": 440, "duration": 30}, 500, None, "sine did not finish within", Context(remaining_ms=501))


if __name__ == "__main__":
    unittest.main()

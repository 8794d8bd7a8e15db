"""lambda_function.handler, from the unzipped ZIP of HANDLER_TEST_ARCH
(x86_64 by default; aarch64 runs its sine under qemu), running the real
bundled sine."""

import base64
import json
import os
import shutil
import unittest

from support import Context, check_wav, expected_frames, load_handler, remove, unzip_bundle

ARCH = os.environ.get("HANDLER_TEST_ARCH", "x86_64")
ALLOW = "GET, HEAD, OPTIONS, POST"
NYQUIST = "must be below 22050 Hz, the Nyquist frequency of a 44100 Hz sample rate"


def http(method="GET", query=None, body=None, encoded=False):
    """A Function URL / HTTP API (payload 2.0) event."""
    event = {"version": "2.0", "rawPath": "/", "requestContext": {"http": {"method": method}}}
    if query is not None:
        event["queryStringParameters"] = query
    if body is not None:
        event.update(body=body, isBase64Encoded=encoded)
    return event


def rest(method="GET", query=None, body=None, encoded=False):
    """An API Gateway REST API (payload 1.0) event: every parameter also in
    multiValueQueryStringParameters, the last one in queryStringParameters."""
    return {
        "resource": "/",
        "httpMethod": method,
        "requestContext": {"httpMethod": method},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query,
        "body": body,
        "isBase64Encoded": encoded,
    }


def b64(data):
    return base64.b64encode(data).decode("ascii")


# Each class of bad request: event -> status, field, and words of the error.
# Where sine judges, the words are sine's own message.
BAD_REQUESTS = [
    # Types, checked by the handler before sine runs.
    ("no frequency", {"duration": 1}, 400, "frequency", "frequency: is missing"),
    ("a word", {"frequency": "abc"}, 400, "frequency", 'frequency: is not a number: "abc"'),
    ("a long word, cut short", {"frequency": "a" * 100}, 400, "frequency", '"' + "a" * 40 + '..."'),
    ("a boolean", {"frequency": True}, 400, "frequency", "frequency: is not a number: true"),
    ("an array", {"frequency": [440]}, 400, "frequency", "frequency: is not a number: an array"),
    ("an object", {"frequency": 440, "bits": {"n": 24}}, 400, "bits", "bits: is not a number: an object"),
    ("deep nesting in a direct invoke", {"frequency": [[[[[[440]]]]]]}, 400, "frequency", "is not a number: an array"),
    ("an unknown field", {"frequency": 440, "sample-rate": 8000}, 400, "sample-rate",
     '"sample-rate" is not a field: use frequency, duration, sample_rate, bits'),
    ("not an object", ["frequency", 440], 400, "event", "event: must be a JSON object"),
    # Values: sine's judgment (its exit 2), with its message.
    ("frequency 0", {"frequency": 0}, 400, "frequency", "frequency must be a finite number of Hz above 0, got 0"),
    ("a negative frequency", {"frequency": "-5"}, 400, "frequency", "above 0, got -5"),
    ("NaN", {"frequency": "nan"}, 400, "frequency", "above 0, got NaN"),
    ("frequency at Nyquist", {"frequency": 22050}, 400, "frequency", f"frequency 22050 Hz {NYQUIST}"),
    ("frequency 1e305", {"frequency": 1e305}, 400, "frequency", NYQUIST),
    ("a 400-digit frequency", {"frequency": 10**400}, 400, "frequency", "above 0, got inf"),
    ("a negative duration", {"frequency": 440, "duration": -1}, 400, "duration",
     "duration must be a finite number of seconds above 0, got -1"),
    ("less than a sample", {"frequency": 440, "duration": 1e-6}, 400, "duration",
     "duration 0.000001 s is shorter than one sample at 44100 Hz"),
    ("duration 1e305", {"frequency": 440, "duration": 1e305}, 400, "duration",
     "s is too long: a 24-bit WAV at 44100 Hz holds at most 32463.8 s (4 GiB)"),
    ("a 400-digit duration", {"frequency": 440, "duration": -(10**400)}, 400, "duration", "above 0, got -inf"),
    ("sample rate out of range", {"frequency": 440, "sample_rate": 1000}, 400, "sample_rate",
     "sample rate 1000 Hz is not supported (use 8000 to 192000 Hz)"),
    ("a fractional sample rate", {"frequency": 440, "sample_rate": 44100.5}, 400, "sample_rate",
     "invalid value '44100.5' for '--sample-rate <HZ>'"),
    ("sample rate 1e305", {"frequency": 440, "sample_rate": 1e305}, 400, "sample_rate", "--sample-rate <HZ>"),
    ("a negative sample rate", {"frequency": 440, "sample_rate": -8000}, 400, "sample_rate",
     "invalid value '-8000' for '--sample-rate <HZ>'"),
    ("8 bits", {"frequency": 440, "bits": 8}, 400, "bits", "invalid value '8' for '--bits <BITS>'"),
    ("24.5 bits", {"frequency": 440, "bits": "24.5"}, 400, "bits", "invalid value '24.5' for '--bits <BITS>'"),
    # Too large for a response, but only when sine accepts the values.
    ("over the response limit", {"frequency": 440, "duration": 40}, 413, "duration",
     "duration: is too long for one response: the WAV would be 5292044 bytes, 7056158 as the response, "
     "over Lambda's 6291456-byte limit"),
    ("over the limit, and a bad frequency", {"frequency": 30000, "duration": 40}, 400, "frequency", NYQUIST),
    # HTTP events.
    ("a body that is not base64", http("POST", body="eyJmcmVxdWVuY3kiOiA0NDB9!", encoded=True), 400, "body",
     "body: is not valid base64"),
    ("base64 without its padding", http("POST", body="eyJmcmVxdWVuY3kiOjQ0MH0", encoded=True), 400, "body",
     "body: is not valid base64"),
    ("a body that is not JSON", http("POST", body="{not json"), 400, "body", "body: is not JSON"),
    ("a body that is not UTF-8", http("POST", body=b64(b'{"frequency": "\xff"}'), encoded=True), 400, "body",
     "body: is not JSON"),
    ("a body nested too deeply", http("POST", body="[" * 100_000), 400, "body", "body: is nested too deeply"),
    ("a body that is an array", http("POST", body="[440]"), 400, "body", "body: must be a JSON object"),
    ("a body with a huge number", http("POST", body='{"frequency": 440, "duration": 1e999}'), 400, "duration",
     "above 0, got inf"),
    ("a repeated parameter, HTTP API", http(query={"frequency": "440,880"}), 400, "frequency",
     'frequency: is not a number: "440,880"'),
    ("a repeated parameter, REST API", rest(query={"frequency": ["440", "880"]}), 400, "frequency",
     'frequency: is not a number: "440,880"'),
    ("an unknown parameter", http(query={"frequency": "440", "rate": "8000"}), 400, "rate", '"rate" is not a field'),
    ("a method other than GET, HEAD, POST, OPTIONS", http("PUT", query={"frequency": "440"}), 405, None,
     f"method PUT is not allowed: use {ALLOW}"),
]


class HandlerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.task = unzip_bundle(ARCH)
        cls.addClassCleanup(remove, cls.task)
        cls.module = load_handler(cls.task)
        cls.set_task(cls.task)

    @staticmethod
    def set_task(task):
        os.environ["LAMBDA_TASK_ROOT"] = task

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

    def internal_error(self, event, detail, context=None):
        """A 500 that tells the caller nothing but the request id, and logs the detail."""
        with self.assertLogs("lambda_function", "ERROR") as logged:
            response = self.invoke(event, context)
        self.assertEqual(response["statusCode"], 500)
        self.assertEqual(response["headers"], {"Content-Type": "application/json"})
        self.assertEqual(json.loads(response["body"]), {"error": "internal error", "request_id": "test-request-id"})
        log = "\n".join(logged.output)
        self.assertIn("request test-request-id: internal error", log)
        self.assertIn(detail, log)

    def test_every_class_of_bad_request(self):
        for name, event, status, field, words in BAD_REQUESTS:
            with self.subTest(name):
                response = self.invoke(event)
                self.assertEqual(response["statusCode"], status, response["body"][:300])
                self.assertEqual(response["headers"].get("Content-Type"), "application/json")
                self.assertIs(response["isBase64Encoded"], False)
                body = json.loads(response["body"])
                self.assertEqual(set(body), {"error", "field"})
                self.assertEqual(body["field"], field, body)
                self.assertIn(words, body["error"])
                self.assertNotIn("\n", body["error"])
                self.assertFalse(body["error"].startswith("sine:"), body)

    def spied(self, event):
        """The response to `event`, and the command lines of sine's runs."""
        spy = self.task + "-spy"
        shutil.copytree(self.task, spy, symlinks=True)
        self.addCleanup(remove, spy)
        os.rename(os.path.join(spy, "sine"), os.path.join(spy, "sine.real"))
        with open(os.path.join(spy, "sine"), "w") as script:
            script.write('#!/bin/sh\necho "$*" >> "$(dirname "$0")/calls"\nexec "$(dirname "$0")/sine.real" "$@"\n')
        os.chmod(os.path.join(spy, "sine"), 0o755)
        self.set_task(spy)
        self.addCleanup(self.set_task, self.task)
        response = self.invoke(event)
        with open(os.path.join(spy, "calls")) as calls:
            return response, calls.read().splitlines()

    def test_a_request_too_large_is_judged_by_sine_but_never_rendered(self):
        response, calls = self.spied({"frequency": 440, "duration": 3000})
        self.assertEqual(response["statusCode"], 413, response["body"])
        self.assertEqual(calls, ["--dry-run --duration=3000.0 -- 440.0 -"])

    def test_sine_judges_first_and_then_renders_with_its_own_defaults(self):
        response, calls = self.spied({"frequency": 440, "sample_rate": 8000, "bits": 16})
        self.assertEqual(response["statusCode"], 200, response["body"][:300])
        check_wav(base64.b64decode(response["body"]), frequency=440, sample_rate=8000, bits=16)
        arguments = "--sample-rate=8000 --bits=16 -- 440.0 -"
        self.assertEqual(calls, [f"--dry-run {arguments}", arguments])

    def test_the_field_is_the_one_sines_message_names_first(self):
        named = self.module.field_named_in
        self.assertEqual(named("invalid value 'x' for '--sample-rate <HZ>'"), "sample_rate")
        self.assertEqual(named("sample rate 8000 Hz is too low for frequency 5000 Hz"), "sample_rate")
        self.assertEqual(named("Frequency 5000 Hz is too high for 16 bits"), "frequency")
        self.assertIsNone(named("the tone is not to be"))

    def test_405_names_the_methods_allowed(self):
        response = self.invoke(http("DELETE"))
        self.assertEqual(response["statusCode"], 405)
        self.assertEqual(response["headers"]["Allow"], ALLOW)

    def test_direct_invoke_with_defaults(self):
        self.wav({"frequency": 2600}, frequency=2600)

    def test_direct_invoke_with_every_field(self):
        samples = self.wav(
            {"frequency": 440.5, "duration": 0.5, "sample_rate": 48000, "bits": 16},
            frequency=440.5, duration=0.5, sample_rate=48000, bits=16,
        )
        self.assertEqual(len(samples), 24000)

    def test_null_is_the_default(self):
        self.wav({"frequency": 1000, "duration": None, "bits": None, "sample_rate": None}, frequency=1000)

    def test_frames_round_halves_up_as_sine_does(self):
        # 2.5 frames: Python's round() would make 2, sine makes 3.
        samples = self.wav({"frequency": 100, "duration": 2.5 / 8000, "sample_rate": 8000},
                           frequency=100, duration=2.5 / 8000, sample_rate=8000)
        self.assertEqual(len(samples), 3)
        # Half a frame is one frame, not a duration to refuse.
        samples = self.wav({"frequency": 100, "duration": 0.5 / 44100}, frequency=100, duration=0.5 / 44100)
        self.assertEqual(len(samples), 1)

    def test_function_url_query_string(self):
        event = http(query={"frequency": "1000", "duration": "0.25", "bits": "32"})
        self.wav(event, frequency=1000, duration=0.25, bits=32)

    def test_http_api_json_body_wins_over_the_query(self):
        body = json.dumps({"frequency": 300, "duration": 0.1})
        event = http("POST", query={"frequency": "5000"}, body=b64(body.encode()), encoded=True)
        self.wav(event, frequency=300, duration=0.1)

    def test_rest_api_query_string_and_body(self):
        event = rest(query={"frequency": ["700"], "sample_rate": ["16000"], "bits": ["16"], "duration": ["0.2"]})
        self.wav(event, frequency=700, sample_rate=16000, bits=16, duration=0.2)
        event = rest("POST", body=b64(b'{"frequency": 900, "duration": 0.1}'), encoded=True)
        self.wav(event, frequency=900, duration=0.1)
        event = rest("POST", query={"duration": ["0.1"]}, body='{"frequency": 800}')
        self.wav(event, frequency=800, duration=0.1)

    def test_head_answers_as_get_without_a_body_and_without_rendering(self):
        for event in (lambda method: http(method, query={"frequency": "440"}),
                      lambda method: rest(method, query={"frequency": ["440"]})):
            response = self.invoke(event("HEAD"))
            self.assertEqual(response["statusCode"], 200)
            # The length of the WAV a GET's caller receives, its base64 decoded.
            wav = base64.b64decode(self.invoke(event("GET"))["body"])
            check_wav(wav, frequency=440)
            self.assertEqual(response["headers"], {"Content-Type": "audio/wav", "Content-Length": str(len(wav))})
            self.assertEqual((response["body"], response["isBase64Encoded"]), ("", False))
        response, calls = self.spied(http("HEAD", query={"frequency": "440", "duration": "30"}))
        self.assertEqual(response["statusCode"], 200)
        self.assertEqual(calls, ["--dry-run --duration=30.0 -- 440.0 -"])
        for query, status in [({"frequency": "30000"}, 400), ({"frequency": "440", "duration": "40"}, 413)]:
            response = self.invoke(http("HEAD", query=query))
            self.assertEqual(response["statusCode"], status)
            self.assertEqual(response["headers"], {"Content-Type": "application/json"})
            self.assertEqual(response["body"], "")

    def test_options_names_the_methods(self):
        response = self.invoke(http("OPTIONS"))
        self.assertEqual(response, {"statusCode": 204, "headers": {"Allow": ALLOW}, "isBase64Encoded": False, "body": ""})

    def test_the_size_is_the_real_wav_size_with_its_pad_byte(self):
        # frames, rate, bits: odd data lengths get libsndfile's pad byte;
        # 2.5 frames are 3, as sine rounds.
        for frames, rate, bits, size in [(3, 44100, 24, 54), (1, 8000, 24, 48), (2.5, 8000, 24, 54), (5, 8000, 16, 54),
                                         (3, 8000, 32, 56), (88200, 44100, 24, 264_644)]:
            with self.subTest(frames=frames, bits=bits):
                duration = frames / rate
                response = self.invoke({"frequency": 100, "duration": duration, "sample_rate": rate, "bits": bits})
                wav = base64.b64decode(response["body"])
                self.assertEqual(len(wav), size)
                check_wav(wav, frequency=100, duration=duration, sample_rate=rate, bits=bits)

    def test_413_starts_exactly_where_the_response_would_pass_the_limit(self):
        rate = 8000.0

        def size(frames):
            # 16-bit data has an even length: no pad byte.
            return self.module.response_bytes(44 + 2 * frames)

        frames = int((self.module.RESPONSE_LIMIT - 200) * 3 / 4 / 2)
        while size(frames + 1) <= self.module.RESPONSE_LIMIT:
            frames += 1
        self.assertEqual(expected_frames(frames / rate, rate), frames)
        event = {"frequency": 1000, "sample_rate": 8000, "bits": 16}
        response = self.invoke({**event, "duration": frames / rate})
        self.assertEqual(response["statusCode"], 200)
        self.assertEqual(len(json.dumps(response)), size(frames))
        self.assertLessEqual(len(json.dumps(response)), self.module.RESPONSE_LIMIT)
        response = self.invoke({**event, "duration": (frames + 1) / rate})
        self.assertEqual(response["statusCode"], 413, response["body"])

    def test_sine_missing_is_an_internal_error(self):
        self.set_task(self.task + "-missing")
        self.addCleanup(self.set_task, self.task)
        self.internal_error({"frequency": 440}, "No such file or directory")

    def test_sine_failing_is_an_internal_error_with_the_detail_logged(self):
        # A broken bundle: its libsndfile.so.1 is not a library.
        broken = self.task + "-broken"
        shutil.copytree(self.task, broken, symlinks=True)
        self.addCleanup(remove, broken)
        with open(os.path.join(broken, "libsndfile.so.1"), "w") as library:
            library.write("not a library")
        self.set_task(broken)
        self.addCleanup(self.set_task, self.task)
        self.internal_error({"frequency": 440}, "libsndfile.so.1: file too short")

    def test_running_out_of_time_is_an_internal_error(self):
        self.internal_error({"frequency": 440, "duration": 30}, "did not finish within", Context(remaining_ms=501))


if __name__ == "__main__":
    unittest.main()

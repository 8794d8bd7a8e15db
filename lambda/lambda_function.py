"""The Lambda function of the bundle: renders a tone with the bundled `sine`
and answers with it as a WAV file.

Handler: lambda_function.handler (python3.9 to python3.13, standard library only).

Events: a direct invoke, {"frequency": 2600, "duration": 2, "sample_rate": 44100,
"bits": 24} (all but frequency optional), or an HTTP event (Function URL, API
Gateway HTTP API or REST API) whose query string and JSON body (the body wins)
carry the same fields. The answer is in the HTTP shape all of them understand:
statusCode, headers, isBase64Encoded and body.

sine is the one judge of the values and the one source of the WAV's size: they
are handed to it as its options, first with --dry-run, which judges them and
prints the exact size of the WAV; its "bad usage" (exit 2) is answered 400 with
its own message. A WAV that would not fit in Lambda's response is then refused
(413), and HEAD answered, without rendering. Here is only what must happen
before sine runs: each field must be a number.
"""

import base64
import json
import logging
import math
import os
import subprocess
import time

LOG = logging.getLogger(__name__)

FIELDS = ("frequency", "duration", "sample_rate", "bits")
# How sine's messages name each field: its own words, and clap's option names.
NAMED_BY = {
    "frequency": ("frequency",),
    "duration": ("duration",),
    "sample_rate": ("sample rate", "sample-rate"),
    "bits": ("bits",),
}
ALLOW = "GET, HEAD, OPTIONS, POST"
# Lambda's limit on a synchronous response: the whole JSON document.
RESPONSE_LIMIT = 6 * 1024 * 1024
# Time kept back from the invocation's deadline to answer when sine is too slow.
MARGIN_SECONDS = 0.5


class ClientError(Exception):
    """The request is wrong: answered with its status and {"error", "field"}."""

    def __init__(self, status, field, message, headers=None):
        super().__init__(message)
        self.status = status
        self.field = field
        self.headers = headers or {}


class SineFailed(Exception):
    """sine failed for a reason of ours (a broken bundle, a timeout): a 500."""


def handler(event, context):
    request_id = getattr(context, "aws_request_id", None)
    method = None
    try:
        method, fields = _request(event)
        if method == "OPTIONS":
            return _answer(204, {"Allow": ALLOW}, "")
        if method not in (None, "GET", "HEAD", "POST"):
            raise ClientError(405, None, f"method {method} is not allowed: use {ALLOW}", {"Allow": ALLOW})
        deadline = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - MARGIN_SECONDS
        response = _render(_tone(fields), deadline, head=method == "HEAD")
    except ClientError as error:
        headers = {"Content-Type": "application/json", **error.headers}
        response = _answer(error.status, headers, json.dumps({"error": str(error), "field": error.field}))
    except Exception:  # a fault of ours: the detail goes to the log, not to the caller
        LOG.exception("request %s: internal error", request_id)
        body = json.dumps({"error": "internal error", "request_id": request_id})
        response = _answer(500, {"Content-Type": "application/json"}, body)
    if method == "HEAD":
        response.update(body="", isBase64Encoded=False)
    return response


def _request(event):
    """The HTTP method (None for a direct invoke) and the fields of an event.
    An HTTP event has a requestContext; any other event is a direct invoke,
    its own fields."""
    if not isinstance(event, dict):
        raise ClientError(400, "event", "event: must be a JSON object")
    if "requestContext" not in event:
        return None, event
    context = _object(event["requestContext"])
    # REST APIs (payload 1.0) name the method at the top, HTTP APIs and Function URLs (2.0) under http.
    method = event.get("httpMethod") or _object(context.get("http")).get("method") or "GET"
    multi = _object(event.get("multiValueQueryStringParameters"))
    # HTTP APIs join a repeated parameter with commas; REST APIs' lists are joined the same way.
    fields = {name: ",".join(map(str, values)) for name, values in multi.items() if isinstance(values, list)}
    if not fields:
        fields = dict(_object(event.get("queryStringParameters")))
    body = event.get("body")
    if body:
        fields.update(_body(body, event.get("isBase64Encoded")))
    return str(method).upper(), fields


def _object(value):
    return value if isinstance(value, dict) else {}


def _body(body, encoded):
    """The JSON object an HTTP body holds."""
    if encoded:
        try:
            body = base64.b64decode(body, validate=True)
        except (ValueError, TypeError):  # binascii.Error is a ValueError
            raise ClientError(400, "body", "body: is not valid base64") from None
    try:
        parsed = json.loads(body)
    except RecursionError:
        raise ClientError(400, "body", "body: is nested too deeply") from None
    except (ValueError, TypeError):
        raise ClientError(400, "body", "body: is not JSON") from None
    if not isinstance(parsed, dict):
        raise ClientError(400, "body", "body: must be a JSON object")
    return parsed


def _tone(fields):
    """The fields given, as numbers; only their types are checked here. A
    field left out (or null) is left to sine's default."""
    for name in fields:
        if name not in FIELDS:
            raise ClientError(400, name, f"{_show(name)} is not a field: use {', '.join(FIELDS)}")
    if fields.get("frequency") is None:
        raise ClientError(400, "frequency", "frequency: is missing")
    return {name: _number(name, value) for name, value in fields.items() if value is not None}


def _number(name, value):
    """A JSON number, or a string holding one, as a float: one beyond the
    float range is infinite, as sine reads it."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # an integer of more than 308 digits
            return math.inf if value > 0 else -math.inf
        except ValueError:
            pass
    raise ClientError(400, name, f"{name}: is not a number: {_show(value)}")


def _show(value):
    """A value in a one-line message: strings quoted and cut short, other
    non-numbers by their JSON type."""
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:40] + "...")
    if isinstance(value, bool):
        return json.dumps(value)
    return {list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


def _arguments(tone):
    """sine's command line to write to stdout: the options given in
    --name=value form and the positionals after --, so no value can be read
    as an option."""
    options = []
    if "duration" in tone:
        options.append(f"--duration={tone['duration']!r}")
    if "sample_rate" in tone:
        options.append(f"--sample-rate={_whole(tone['sample_rate'])}")
    if "bits" in tone:
        options.append(f"--bits={_whole(tone['bits'])}")
    return [*options, "--", repr(tone["frequency"]), "-"]


def _whole(number):
    """An integer option's text: a whole number without its ".0"; anything
    else as it is, for sine to refuse."""
    return str(int(number)) if number.is_integer() else repr(number)


def response_bytes(wav):
    """The size of the JSON response that carries a WAV of `wav` bytes: the
    envelope, and the base64 text, which JSON does not escape."""
    return len(json.dumps(_wav_answer(""))) + 4 * ((wav + 2) // 3)


def _render(tone, deadline, head=False):
    """200 with the WAV; 400 if sine refuses the values, 413 if the WAV would
    not fit in the response: both found by `sine --dry-run`, without
    rendering, and so is the answer to HEAD."""
    arguments = _arguments(tone)
    printed = _run(["--dry-run", *arguments], deadline)
    try:
        wav = int(printed)
    except ValueError:
        raise SineFailed(f"sine --dry-run printed {printed[:100]!r}, not a size") from None
    if response_bytes(wav) > RESPONSE_LIMIT:
        raise ClientError(
            413,
            "duration",
            f"duration: is too long for one response: the WAV would be {wav} bytes, "
            f"{response_bytes(wav)} as the response, over Lambda's {RESPONSE_LIMIT}-byte limit",
        )
    if head:
        # What a GET's caller receives: the WAV, its base64 decoded by the
        # Function URL or API Gateway (a REST API with binaryMediaTypes).
        return _answer(200, {"Content-Type": "audio/wav", "Content-Length": str(wav)}, "")
    return _wav_answer(base64.b64encode(_run(arguments, deadline)).decode("ascii"))


def _run(arguments, deadline):
    """sine's standard output. Its exit 2 raises the 400 it means; any other
    failure is ours."""
    task = os.environ.get("LAMBDA_TASK_ROOT") or os.path.dirname(os.path.abspath(__file__))
    command = [os.path.join(task, "sine"), *arguments]
    timeout = max(deadline - time.monotonic(), 0.001)
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise SineFailed(f"{command} did not finish within {timeout:.3f} s") from None
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    message = lines[0] if lines else ""
    if done.returncode == 2:
        if message.startswith("sine: "):
            message = message[len("sine: "):]
        raise ClientError(400, field_named_in(message), message or "sine refused the values")
    if done.returncode == 0:
        return done.stdout
    raise SineFailed(f"{command} exited with {done.returncode}: {message}")


def field_named_in(message):
    """The field sine's message is about: the one it names first, or None."""
    lowered = message.lower()
    named = [(lowered.find(word), field) for field, words in NAMED_BY.items() for word in words if word in lowered]
    return min(named)[1] if named else None


def _wav_answer(body):
    return _answer(200, {"Content-Type": "audio/wav"}, body, encoded=True)


def _answer(status, headers, body, encoded=False):
    return {"statusCode": status, "headers": headers, "isBase64Encoded": encoded, "body": body}

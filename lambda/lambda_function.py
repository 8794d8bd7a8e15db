"""The Lambda function of the bundle: renders a tone with the bundled `sine`
and returns it as a WAV file.

Handler: lambda_function.handler (python3.9 to python3.13, standard library only).

Events: a direct invoke, {"frequency": 2600, "duration": 2, "sample_rate": 44100,
"bits": 24} (all but frequency optional), or a Function URL / API Gateway HTTP API
event whose query string parameters and JSON body (the body wins) carry the same
fields. The answer is in the HTTP shape both understand: statusCode, headers,
isBase64Encoded and body. Errors are JSON: {"error": "...", "field": "..."}.
"""

import base64
import json
import math
import os
import subprocess

DEFAULTS = {"duration": 2.0, "sample_rate": 44100, "bits": 24}
SAMPLE_RATES = (8000, 192000)
BITS = (16, 24, 32)
# Lambda's limit on a synchronous response, the whole JSON document.
RESPONSE_LIMIT = 6 * 1024 * 1024
# Room in the response for everything but the base64 body.
ENVELOPE = 200
# Time kept back from the deadline to answer when sine is too slow.
MARGIN_SECONDS = 0.5
WAV_HEADER = 44


class BadRequest(Exception):
    """A field of the event is missing, not a number, or out of range."""

    def __init__(self, status, field, problem):
        super().__init__(f"{field}: {problem}")
        self.status = status
        self.field = field


def handler(event, context):
    try:
        fields = _fields(event)
        tone = _tone(fields)
        _check_size(tone)
        timeout = context.get_remaining_time_in_millis() / 1000 - MARGIN_SECONDS
        return _render(tone, timeout)
    except BadRequest as error:
        return _json(error.status, {"error": str(error), "field": error.field})
    except Exception as error:  # anything else answers 500, never a bare traceback
        return _json(500, {"error": f"internal error: {type(error).__name__}: {error}"})


def _fields(event):
    """The request's fields, from a direct invoke or an HTTP event."""
    if not isinstance(event, dict):
        raise BadRequest(400, "event", "must be a JSON object")
    if "requestContext" not in event and "queryStringParameters" not in event and "body" not in event:
        return event
    fields = dict(event.get("queryStringParameters") or {})
    body = event.get("body")
    if body:
        if event.get("isBase64Encoded"):
            body = base64.b64decode(body).decode("utf-8", "replace")
        try:
            parsed = json.loads(body)
        except ValueError:
            raise BadRequest(400, "body", "is not JSON") from None
        if not isinstance(parsed, dict):
            raise BadRequest(400, "body", "must be a JSON object")
        fields.update(parsed)
    return fields


def _number(fields, name, kind):
    value = fields.get(name, DEFAULTS.get(name))
    if value is None:
        raise BadRequest(400, name, "is missing")
    if isinstance(value, bool):
        raise BadRequest(400, name, f"is not a number: {json.dumps(value)}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadRequest(400, name, f"is not a number: {json.dumps(value)}") from None
    if not math.isfinite(number):
        raise BadRequest(400, name, f"is not a finite number: {value}")
    if kind is int:
        if number != int(number):
            raise BadRequest(400, name, f"is not a whole number: {value}")
        return int(number)
    return number


def _tone(fields):
    rate = _number(fields, "sample_rate", int)
    if not SAMPLE_RATES[0] <= rate <= SAMPLE_RATES[1]:
        raise BadRequest(400, "sample_rate", f"is out of range: {rate} (use {SAMPLE_RATES[0]} to {SAMPLE_RATES[1]})")
    bits = _number(fields, "bits", int)
    if bits not in BITS:
        raise BadRequest(400, "bits", f"is out of range: {bits} (use 16, 24 or 32)")
    frequency = _number(fields, "frequency", float)
    if not 0 < frequency < rate / 2:
        raise BadRequest(400, "frequency", f"is out of range: {frequency:g} (use above 0 and below {rate / 2:g} Hz)")
    duration = _number(fields, "duration", float)
    if round(duration * rate) < 1:
        raise BadRequest(400, "duration", f"is out of range: {duration:g} (use at least one sample, {1 / rate:.3g} s)")
    return {"frequency": frequency, "duration": duration, "sample_rate": rate, "bits": bits}


def _check_size(tone):
    """413 before rendering a WAV whose base64 would not fit the response."""
    frames = round(tone["duration"] * tone["sample_rate"])
    wav = WAV_HEADER + frames * tone["bits"] // 8
    response = 4 * math.ceil(wav / 3) + ENVELOPE
    if response > RESPONSE_LIMIT:
        raise BadRequest(
            413,
            "duration",
            f"is too long: the response would be {response} bytes, over Lambda's {RESPONSE_LIMIT}-byte limit",
        )


def _render(tone, timeout):
    task = os.environ.get("LAMBDA_TASK_ROOT") or os.path.dirname(os.path.abspath(__file__))
    command = [
        os.path.join(task, "sine"),
        f"{tone['frequency']!r}",
        "-",
        "--duration", f"{tone['duration']!r}",
        "--sample-rate", str(tone["sample_rate"]),
        "--bits", str(tone["bits"]),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=max(timeout, 0.001), check=False)
    except subprocess.TimeoutExpired:
        return _json(500, {"error": f"sine did not finish within {timeout:.1f} s"})
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        message = lines[0] if lines else f"sine exited with status {done.returncode}"
        return _json(500, {"error": message})
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "audio/wav"},
        "isBase64Encoded": True,
        "body": base64.b64encode(done.stdout).decode("ascii"),
    }


def _json(status, document):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "isBase64Encoded": False,
        "body": json.dumps(document),
    }

"""A loopback proxy that makes cargo-lambda's Runtime API emulator answer as
Lambda does, for the two headers where it differs, and changes nothing else:

- its /invocation/next reply has no Content-Type (Lambda sends
  application/json; awslambdaric 4.2.2 crashes without one);
- it sends Lambda-Runtime-Deadline-Ms as a relative number of milliseconds,
  where Lambda sends an absolute epoch time.
"""

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Headers http.server and http.client set themselves.
HOP_BY_HOP = {"connection", "transfer-encoding", "content-length", "host", "keep-alive"}


def fix_next_headers(headers, now_ms):
    """The /next reply's headers as Lambda would send them."""
    fixed = []
    for name, value in headers:
        if name.lower() == "lambda-runtime-deadline-ms" and int(value) < 10**12:
            value = str(now_ms + int(value))
        fixed.append((name, value))
    if not any(name.lower() == "content-type" for name, _ in fixed):
        fixed.append(("Content-Type", "application/json"))
    return fixed


def start(upstream_port):
    """Starts the adapter on a free loopback port in a daemon thread; returns
    the server (its port is server.server_address[1]; stop with shutdown())."""

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self):
            self.forward()

        def do_POST(self):
            self.forward()

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port)
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
                reply = upstream.getresponse()
                data = reply.read()
            except (http.client.HTTPException, OSError):
                # The emulator went away (at teardown, under a pending /next).
                self.close_connection = True
                return
            headers = [(k, v) for k, v in reply.getheaders() if k.lower() not in HOP_BY_HOP]
            if self.path.endswith("/invocation/next"):
                headers = fix_next_headers(headers, int(time.time() * 1000))
            self.send_response(reply.status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            upstream.close()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

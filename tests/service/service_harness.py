"""service_harness.py: a real polserve on 127.0.0.1 for the service tests (run.py, faults.py, bench.py): started
on a free port with the options a test gives, waited for on /healthz, stopped with SIGTERM; HTTP through the
standard library's http.client on kept-alive connections, as a client of the service would."""

import http.client
import json
import os
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Polserve:
    def __init__(self, binary, pbc, folder, *options):
        self.binary, self.pbc, self.folder, self.options = binary, pbc, folder, list(options)
        self.process = None

    def start(self, attempts=3):
        for _ in range(attempts):  # a free port can be taken between the probe and the bind
            self.port = free_port()
            self.stderr_path = os.path.join(self.folder, "polserve-%d.stderr" % self.port)
            with open(self.stderr_path, "wb") as err:
                self.process = subprocess.Popen([self.binary, self.pbc, "--listen", "127.0.0.1:%d" % self.port]
                                                + self.options, stdout=err, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    status, _, _ = self.request("GET", "/healthz")
                    if status == 200:
                        return self
                except OSError:
                    time.sleep(0.05)
            self.stop()
        raise RuntimeError("polserve did not start:\n" + self.stderr())

    def stderr(self):
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def connection(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, connection=None):
        """(status, headers as a dict with lower-case names, body bytes)"""
        c = connection or self.connection()
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            if connection is None:
                c.close()

    def signal(self, sig=signal.SIGHUP):
        self.process.send_signal(sig)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        """SIGTERM; the exit code (0 for a clean stop)"""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code, self.process = self.process.returncode, None
        return code


def polvm_lines(polvm, pbc, data):
    """polvm's output lines for the bytes data (one output line per input line)"""
    out = subprocess.run([polvm, pbc], input=data, capture_output=True, timeout=120).stdout
    return out.split(b"\n")[:-1]


def json_lines(path):
    with open(path, "rb") as f:
        return [json.loads(line) for line in f if line.strip()]


class Checks:
    """what a test found wrong: check(what, ok, detail) records a failure; report() prints them and the time"""

    def __init__(self, name):
        self.name, self.failures, self.started = name, [], time.monotonic()

    def __call__(self, what, ok, detail=""):
        if not ok:
            self.failures.append("%s%s" % (what, (": " + detail) if detail else ""))

    def report(self):
        """the exit status"""
        for f in self.failures:
            print("FAIL", f)
        print("%s: %d failures, %.1f s" % (self.name, len(self.failures), time.monotonic() - self.started))
        return 1 if self.failures else 0

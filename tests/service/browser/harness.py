"""harness.py: what the browser tests run against: a real polserve on 127.0.0.1 with a free port, a real headless
Chromium (Debian's, through chromedriver), and the polc and polvm commands whose answers the pages must show."""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--lang=zh-CN", "--window-size=1280,1600"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Polserve:
    """polserve POLICY.pbc --listen 127.0.0.1:PORT, started and stopped by the test."""

    def __init__(self, binary, pbc, log_dir):
        self.binary, self.pbc, self.log_dir = binary, pbc, log_dir
        self.process = None

    def start(self, attempts=3):
        for _ in range(attempts):  # a free port can be taken between the probe and the bind: try another
            self.port = free_port()
            self.base = "http://127.0.0.1:%d" % self.port
            self.stderr = open(os.path.join(self.log_dir, "polserve.stderr"), "wb")
            self.process = subprocess.Popen([self.binary, self.pbc, "--listen", "127.0.0.1:%d" % self.port],
                                            stdout=self.stderr, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with urllib.request.urlopen(self.base + "/healthz", timeout=1) as r:
                        if r.status == 200:
                            return self
                except OSError:
                    time.sleep(0.1)
            self.stop()
        raise RuntimeError("polserve did not start: see %s" % os.path.join(self.log_dir, "polserve.stderr"))

    def get_json(self, path):
        with urllib.request.urlopen(self.base + path, timeout=10) as r:
            return json.loads(r.read().decode("utf-8"))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code = self.process.returncode if self.process else None
        self.process = None
        if getattr(self, "stderr", None):
            self.stderr.close()
        return code


class Browser:
    """A headless Chromium with a fresh profile, removed when it quits."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="pol-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS + ["--user-data-dir=" + self.profile]:
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(20)
        self.driver.set_script_timeout(20)

    def screenshot(self, path):
        """the whole page, not only the window"""
        d = self.driver
        height = d.execute_script("return document.documentElement.scrollHeight")
        d.set_window_size(1280, min(max(height + 40, 800), 8000))
        d.save_screenshot(path)
        d.set_window_size(1280, 1600)

    def quit(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def polvm(binary, pbc, lines, explain=False):
    """polvm's output for these lines (bytes in, text out), and its explanation lines per record with --explain"""
    args = [binary] + (["--explain"] if explain else []) + [pbc]
    out = subprocess.run(args, input=b"".join(l + b"\n" for l in lines), capture_output=True, timeout=60).stdout
    return out.decode("utf-8")


def polc_diagnostics(binary, source, lang, tmp):
    """polc --check on source named policy.pol (as /try names it): its stderr text and the diagnostics in it"""
    folder = tempfile.mkdtemp(dir=tmp)
    with open(os.path.join(folder, "policy.pol"), "w", encoding="utf-8") as f:
        f.write(source)
    r = subprocess.run([binary, "--lang", lang, "--check", "policy.pol"], cwd=folder, capture_output=True, timeout=60)
    shutil.rmtree(folder)
    text = r.stderr.decode("utf-8")
    found = []
    for line in text.split("\n"):
        if not line.startswith("policy.pol:"):
            continue
        rest = line[len("policy.pol:"):]
        parts = rest.split(":", 2)
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            level, _, message = parts[2].strip().partition(": ")
            found.append((int(parts[0]), int(parts[1]), level, message))
        else:  # about the whole source: "policy.pol: note: ..."
            level, _, message = rest.strip().partition(": ")
            found.append((0, 0, level, message))
    return text, found

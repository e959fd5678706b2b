"""cluster.py: a throwaway PostgreSQL cluster for the pol extension's test and bench: initdb into a temporary
folder, the server on a Unix socket in that folder (no TCP), the extension staged with `make install-postgres
DESTDIR=...` and found through Debian's extension_destdir; stopped and removed afterwards, even on failure.

    with Cluster(pg_config, make, build) as c:
        c.sql("SELECT 1")                  # psql -At; raises SqlError with psql's output on failure

Run as root (the server refuses to), the server and its files belong to the `postgres` user instead.
Python 3 standard library only.
"""

import os
import pwd
import shutil
import signal
import subprocess
import tempfile

DATABASE = "poltest"
ROLE = "poltest"


class SqlError(Exception):
    pass


class Skip(Exception):
    """The cluster cannot be set up on this machine; the message says why."""


def pg_config(path, what):
    return subprocess.check_output([path, "--" + what], text=True).strip()


class Cluster:
    def __init__(self, pg_config_path, make, build, settings=None, log=print):
        self.pg_config = pg_config_path
        self.make = make
        self.build = build
        self.settings = dict(settings or {})
        self.log = log
        self.bindir = pg_config(pg_config_path, "bindir")
        self.root = None
        self.started = False
        self.install_note = ""

    # ---- paths and users ----
    def bin(self, name):
        return os.path.join(self.bindir, name)

    def as_server_user(self, argv):
        """The command as the user the server runs as: ourselves, or `postgres` when we are root."""
        return (["runuser", "-u", "postgres", "--"] + argv) if os.geteuid() == 0 else argv

    # ---- setup ----
    def __enter__(self):
        # SIGTERM (make interrupted, a timeout) must still stop the server and remove the folder
        self.old_term = signal.signal(signal.SIGTERM, self._on_term)
        try:
            self._setup()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _on_term(self, signum, frame):
        raise SystemExit("terminated by signal %d" % signum)

    def _setup(self):
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise Skip("running as root and there is no postgres user to run the server as")
        self.root = tempfile.mkdtemp(prefix="pol-pg-")
        self.data = os.path.join(self.root, "data")
        self.socket = os.path.join(self.root, "socket")
        self.stage = os.path.join(self.root, "stage")
        self.logfile = os.path.join(self.root, "server.log")
        os.mkdir(self.socket)
        self._install_extension()
        if os.geteuid() == 0:
            subprocess.check_call(["chown", "-R", "postgres:", self.root])
        self._run(self.as_server_user([self.bin("initdb"), "-D", self.data, "-U", ROLE, "--auth=trust",
                                       "--encoding=UTF8", "--locale=C", "--no-sync"]), "initdb")
        conf = {
            "listen_addresses": "''",                      # no TCP at all
            "unix_socket_directories": "'%s'" % self.socket,
            "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
            "max_worker_processes": "4", "max_parallel_workers": "4", "max_parallel_workers_per_gather": "2",
            "log_min_messages": "warning",
            "track_functions": "'all'",                   # which server decided: pg_stat_user_functions
        }
        if self.extension_destdir:
            conf["extension_destdir"] = "'%s'" % self.stage
        conf.update(self.settings)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            for k, v in conf.items():
                f.write("%s = %s\n" % (k, v))
        self._run(self.as_server_user([self.bin("pg_ctl"), "-D", self.data, "-l", self.logfile, "-w", "-t", "60",
                                       "start"]), "pg_ctl start")
        self.started = True
        self.sql("CREATE DATABASE %s" % DATABASE, database="postgres")

    def _install_extension(self):
        """Stage `make install-postgres` under DESTDIR and point the server at it with extension_destdir (a
        Debian patch); a server without that setting only finds extensions in its own directories, so then
        the extension is installed there, which needs root."""
        described = subprocess.run(self.as_server_user([self.bin("postgres"), "--describe-config"]),
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
        self.extension_destdir = any(line.startswith("extension_destdir\t") for line in described.splitlines())
        argv = [self.make, "--no-print-directory", "BUILD=" + self.build, "install-postgres"]
        if self.extension_destdir:
            argv.append("DESTDIR=" + self.stage)
            self.install_note = "extension staged with make install-postgres DESTDIR=<tmp>, found via extension_destdir"
        elif os.geteuid() == 0:
            self.install_note = ("this PostgreSQL has no extension_destdir: extension installed into the server's "
                                 "own directories with make install-postgres")
        else:
            raise Skip("this PostgreSQL has no extension_destdir and we are not root: cannot install the "
                       "extension where the server looks (pg_config --sharedir)")
        self._run(argv, "make install-postgres")

    def _run(self, argv, what):
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError("%s failed (exit %d):\n%s%s" % (what, proc.returncode, proc.stdout,
                                                               self.server_log_tail()))
        return proc.stdout

    # ---- use ----
    def psql_argv(self, database=DATABASE):
        return [self.bin("psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.socket, "-U", ROLE,
                "-d", database]

    def sql(self, script, database=DATABASE, timeout=600, check=True):
        """Run script (psql's input, several statements allowed); return its unaligned output."""
        proc = subprocess.run(self.psql_argv(database), input=script.encode("utf-8"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
        out = proc.stdout.decode("utf-8", "replace")
        if check and proc.returncode != 0:
            raise SqlError("psql exit %d\n--- script ---\n%s\n--- stderr ---\n%s" % (
                proc.returncode, script[:2000], proc.stderr.decode("utf-8", "replace")[-3000:]))
        return out if check else (proc.returncode, out, proc.stderr.decode("utf-8", "replace"))

    def popen_sql(self, script, database=DATABASE):
        """Start psql on script without waiting (to watch its backend while it works)."""
        proc = subprocess.Popen(self.psql_argv(database), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        proc.stdin.write(script.encode("utf-8"))
        proc.stdin.close()
        proc.stdin = None  # so that communicate() only reads
        return proc

    def server_log_tail(self, n=30):
        try:
            with open(self.logfile, encoding="utf-8", errors="replace") as f:
                return "\n--- server log ---\n" + "".join(f.readlines()[-n:])
        except (OSError, TypeError):
            return ""

    def server_log(self):
        try:
            with open(self.logfile, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # ---- teardown ----
    def close(self):
        try:
            if self.started:
                subprocess.run(self.as_server_user([self.bin("pg_ctl"), "-D", self.data, "-m", "immediate", "-w",
                                                    "-t", "60", "stop"]),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=90)
                self.started = False
        finally:
            if self.root:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root = None
            signal.signal(signal.SIGTERM, self.old_term)

"""Helpers shared by the benchmark scripts: paths, running commands, timing with peak memory, a collector."""
import os
import pathlib
import subprocess
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def run(command, **kwargs):
    return subprocess.run(command, cwd=ROOT, check=True, **kwargs)


def status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def timed(command, allowed=(0, 1)):
    """Runs command; returns (seconds, stdout, peak RssAnon KiB sampled every 2 ms)."""
    peak = [0]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], status_kib(process.pid, "RssAnon"))
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output = process.stdout.read()
    process.wait()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in allowed:
        raise SystemExit(f"{command[0]} failed with {process.returncode}")
    return elapsed, output, peak[0]


def callgrind(out):
    """The command prefix that runs a program under callgrind, writing its counts to `out`."""
    OUT.mkdir(parents=True, exist_ok=True)
    shim = OUT / "valgrind-sigsuspend.so"
    source = ROOT / "benchmarks" / "valgrind-sigsuspend.c"
    if not shim.exists() or shim.stat().st_mtime < source.stat().st_mtime:
        run(["gcc", "-shared", "-fPIC", "-O2", "-o", str(shim), str(source), "-ldl"])
    return ["env", f"LD_PRELOAD={shim}", "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]


def instructions(command):
    """Instructions executed by command (all threads), counted by callgrind: the same for the same
    binary and input whatever else the machine is doing, so figures from different days compare."""
    out = OUT / f"callgrind-{os.getpid()}.out"
    result = subprocess.run(callgrind(out) + command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in result.stderr.splitlines():
        if "Collected :" in line:
            out.unlink(missing_ok=True)
            return int(line.split(":")[-1].strip())
    raise SystemExit(f"callgrind gave no count for {command[0]}:\n{result.stderr[-2000:]}")


def stripped(binary):
    """A copy of `binary` without debug information, beside it: valgrind 3.19 cannot read the
    DWARF 5 that Swift 6 emits. The symbol table stays, so callgrind_annotate names functions."""
    copy = pathlib.Path(str(binary) + "-stripped")
    run(["strip", "--strip-debug", "-o", str(copy), str(binary)])
    return str(copy)


def cpu_seconds(pid):
    """User + system CPU time process `pid` has used so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Collector:
    """canh-collector init + serve on a free port; stopped on exit. `wrapper` runs serve under
    another program (valgrind); `config` is a collector.toml for serve. With `postgres` (a
    PostgresCluster), the store is its database `canh` (the config must name it too); a second
    collector on the same database is given `data` of the first, whose CA and keys it serves with."""

    def __init__(self, collector, data, wrapper=(), config=None, postgres=None):
        self.collector, self.data, self.wrapper, self.config = collector, data, list(wrapper), config
        self.environment = dict(os.environ, **(postgres.environment if postgres else {}))
        if not (data / "ca.pem").exists():
            database = ["--database", postgres.url] if postgres else []
            run([collector, "init", "--data-dir", str(data), *database], stdout=subprocess.DEVNULL, env=self.environment)
        self.token = (data / "admin.token").read_text().strip()

    def __enter__(self):
        command = self.wrapper + [self.collector, "serve", "--data-dir", str(self.data), "--listen", "127.0.0.1:0"]
        if self.config:
            command += ["--config", str(self.config)]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                        env=self.environment)
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            raise SystemExit(f"canh-collector serve did not start: {line!r}")
        self.url = line.split()[-1]
        return self

    def cpu_seconds(self):
        """User + system CPU time the collector process has used so far."""
        return cpu_seconds(self.process.pid)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=300)


class PostgresCluster:
    """A PostgreSQL cluster of the benchmark's own (scripts/postgres-cluster: initdb, pg_ctl, durable
    settings) on a free port; `fresh()` gives an empty database `canh`; `stop()` removes it all."""

    def __init__(self):
        import socket
        import tempfile
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = pathlib.Path(tempfile.mkdtemp(prefix="canh-postgres-"))
        self.url = subprocess.run([str(ROOT / "scripts/postgres-cluster"), "start", str(self.directory), str(self.port)], cwd=ROOT,
                                  check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        self.password = (self.directory / "password").read_text().strip()
        self.environment = {"CANH_DATABASE_PASSWORD": self.password}

    def psql(self, sql, database="postgres", stdin=None):
        return subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                               "-U", "canh", "-d", database, "-c", sql], input=stdin, check=True, capture_output=True, text=True,
                              env=dict(os.environ, PGPASSWORD=self.password)).stdout

    def fresh(self):
        self.psql("DROP DATABASE IF EXISTS canh WITH (FORCE)")
        self.psql("CREATE DATABASE canh")

    def stop(self):
        subprocess.run([str(ROOT / "scripts/postgres-cluster"), "stop", str(self.directory)], cwd=ROOT, check=False)

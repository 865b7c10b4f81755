"""Benchmark: Yjs update fan-out in one script room, the studio beside the reference Node server.

    make bench            (or: .venv/bin/python -m tests.bench.yjs_fanout)
    BENCH_SECONDS=5 BENCH_CLIENTS=10,50 .venv/bin/python -m tests.bench.yjs_fanout    # a quick run
    BENCH_TRACE=/tmp/trace ...    # also write, per run, when each edit was sent and its slowest delivery

One room, 10, 50 and 200 clients (BENCH_CLIENTS) each typing 5 edits a second for 30 s (BENCH_SECONDS)
over loopback, against two servers in turn, each started fresh for each client count:

- the studio: Daphne on a fresh SQLite database in a temporary folder (or on DATABASE_URL when set),
  ``/ws/scripts/<id>``, in-memory channel layer; when REDIS_URL is set, a second configuration on Redis;
- the reference server: ``@y/websocket-server`` from the npm registry (its ``y-websocket`` bin, in memory).

Both see the same load client (tests/bench/yjs/load.mjs, in one Node process; only the URL differs and
the session cookie and Origin are sent to both). Each client makes real Yjs updates with yjs, each edit
appending a marker ``~client.seq~``; the receivers do not apply what they get, they find the markers in
the update bytes, so the load client stays light. Measured per configuration and client count:

- fan-out latency of every (edit, other client) pair: from just before the sender's write to the
  arrival of the TCP chunk that carries it at the receiver (one process, one clock): p50, p99, max;
- lost deliveries: pairs never received, up to 30 s after the last edit (must be 0);
- the server's CPU (utime + stime of its process, every thread, from /proc/<pid>/stat) over the edits
  and their delivery, and its memory (VmRSS before any client connects, VmHWM at the end);
- the load client's own CPU and how late it sent edits, to show that it was not the bottleneck;
- the CPU that other processes took meanwhile: the benchmark waits (BENCH_QUIET_WAIT, 900 s) for a quiet
  machine before each run, and runs again (BENCH_RETRIES, 2) one that other work disturbed anyway.

The Node packages (tests/bench/yjs/package.json, package-lock.json) are installed with ``npm ci`` on first use.

Results replace the "yjs" section of docs/benchmarks.md for each configuration.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from functools import partial
from importlib import metadata
from pathlib import Path

from tests.bench.live_latency import machine, session_cookie, setup_django
from tests.bench.report import write_section

ROOT = Path(__file__).resolve().parents[2]
YJS = ROOT / "tests" / "bench" / "yjs"
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
CLIENTS = [int(n) for n in os.environ.get("BENCH_CLIENTS", "10,50,200").split(",") if n.strip()]
RATE = 5  # edits a second, per client
DRAIN_S = 30  # how long deliveries may still arrive after the last edit before they count as lost
TARGET_P99_MS, TARGET_AT = 50.0, 50
COMPARE_AT = 200
NEAR_LIMIT = 60.0  # % of a core: a server process this busy is close to saturation (queues, wide p99 spread)
QUIET_CORES = 0.15  # before each run, wait until the rest of the machine is at most this busy...
QUIET_WAIT_S = float(os.environ.get("BENCH_QUIET_WAIT", "900"))  # ...for at most this long
BUSY_WARNING = 25.0  # % of a core: over this, a run is done again, and the report says other work shared the machine
RETRIES = int(os.environ.get("BENCH_RETRIES", "2"))
# Far above the load (5 edits/s a client), so the rate limit never closes a benchmark socket.
STUDIO_ENV = {"STUDIO_YJS_RATE_PER_S": "1000", "STUDIO_YJS_BURST": "1000"}


# --- the pieces ------------------------------------------------------------------------------------

def install_node_packages() -> None:
    """npm ci into tests/bench/yjs/node_modules (yjs, y-protocols, @y/websocket-server), when stale."""
    installed = YJS / "node_modules" / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= (YJS / "package-lock.json").stat().st_mtime:
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=YJS, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:  # an answer all the same: the server is up
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise SystemExit(f"{url} did not come up; see {log}\n{log.read_text()[-3000:]}") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_studio(env: dict, port: int, logs: Path, redis: bool) -> subprocess.Popen:
    environment = {**os.environ, **env, **STUDIO_ENV, "PYTHONUNBUFFERED": "1"}
    if redis:
        environment["CHANNELS_PREFIX"] = f"yjs-bench-{secrets.token_hex(4)}"
    else:
        environment.pop("REDIS_URL", None)
    log = logs / f"daphne-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "studio.asgi:application"],
        cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    wait_for_http(f"http://127.0.0.1:{port}/login/", process, log)
    return process


def start_node_server(port: int, logs: Path) -> subprocess.Popen:
    log = logs / f"y-websocket-{port}.log"
    process = subprocess.Popen(
        ["node", "node_modules/@y/websocket-server/src/server.js"],
        cwd=YJS, env={**os.environ, "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    wait_for_http(f"http://127.0.0.1:{port}/", process, log)
    return process


def machine_busy(seconds: float = 2.0) -> float:
    """How busy the whole machine is, in cores (1.0 = one core), over the next ``seconds``."""
    def ticks():
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        return sum(values) - values[3] - values[4], sum(values)  # all but idle and iowait

    busy0, all0 = ticks()
    time.sleep(seconds)
    busy1, all1 = ticks()
    return (os.cpu_count() or 1) * (busy1 - busy0) / max(1, all1 - all0)


def wait_for_quiet_machine() -> None:
    """Other work on this machine (a test run, a build) would take cores from the servers: wait for it to end."""
    deadline = time.monotonic() + QUIET_WAIT_S
    while (busy := machine_busy()) > QUIET_CORES:
        if time.monotonic() > deadline:
            print(f"the machine is still busy ({busy:.0%} of a core); measuring anyway", file=sys.stderr)
            return
        print(f"waiting for a quiet machine ({busy:.0%} of a core busy elsewhere)", file=sys.stderr, flush=True)
        time.sleep(10)


def run_load(*, url: str, origin: str, cookie: str, clients: int, server: subprocess.Popen) -> dict:
    wait_for_quiet_machine()
    config = {"url": url, "origin": origin, "cookie": cookie, "clients": clients, "seconds": SECONDS,
              "rate": RATE, "serverPid": server.pid, "clockTicks": os.sysconf("SC_CLK_TCK"), "drainSeconds": DRAIN_S}
    if os.environ.get("BENCH_TRACE"):  # a folder: each run writes when each edit was sent and its slowest delivery
        config["trace"] = str(Path(os.environ["BENCH_TRACE"]) / f"{url.split('//')[1].replace('/', '_')}.txt")
    done = subprocess.run(["node", "load.mjs", json.dumps(config)], cwd=YJS, capture_output=True, text=True,
                          timeout=SECONDS + DRAIN_S + 180)
    if done.returncode != 0:
        raise SystemExit(f"the load client failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def configurations() -> list[tuple[str, str, bool]]:
    """(slug, words, redis) of each configuration to run: in-memory always, Redis too when REDIS_URL is set."""
    database = "postgres" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite"
    words = "PostgreSQL" if database == "postgres" else "SQLite"
    runs = [(f"{database}-memory", f"{words}, in-memory channel layer", False)]
    if os.environ.get("REDIS_URL"):
        runs.append((f"{database}-redis", f"{words}, Redis channel layer", True))
    return runs


def measure(env: dict, logs: Path) -> dict:
    """{"node": {clients: result}, slug: {clients: result}, ...}"""
    from django.conf import settings

    from tests import factories

    user = factories.make_user(f"yjs_bench_{secrets.token_hex(3)}", display_name="Bench Writer")
    project = factories.make_project(owner=user, title="Yjs fan-out bench")
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie(user)}"

    def studio(slug: str, redis: bool, clients: int) -> dict:
        script = factories.make_script(project, title=f"Fan-out {slug} {clients}")  # a fresh room each time
        port = free_port()
        server = start_studio(env, port, logs, redis)
        try:
            return run_load(url=f"ws://127.0.0.1:{port}/ws/scripts/{script.pk}", origin=f"http://127.0.0.1:{port}",
                            cookie=cookie, clients=clients, server=server)
        finally:
            stop(server)

    def node(clients: int) -> dict:
        port = free_port()
        server = start_node_server(port, logs)
        try:
            return run_load(url=f"ws://127.0.0.1:{port}/ws/scripts/{clients}", origin=f"http://127.0.0.1:{port}",
                            cookie=cookie, clients=clients, server=server)
        finally:
            stop(server)

    results: dict = {"node": {}}
    for clients in CLIENTS:
        for slug, _, redis in configurations():
            results.setdefault(slug, {})[clients] = alone(f"studio ({slug})", partial(studio, slug, redis, clients))
        results["node"][clients] = alone("@y/websocket-server", partial(node, clients))
    return results


def alone(server: str, run) -> dict:
    """``run()``, again (up to BENCH_RETRIES times) while other work took a share of the machine meanwhile;
    the least disturbed result."""
    results = []
    for _ in range(1 + RETRIES):
        result = run()
        progress(server, result)
        results.append(result)
        if result["others_cpu_pct"] <= BUSY_WARNING:
            break
        print("  other work shared the machine: once more", file=sys.stderr, flush=True)
    return min(results, key=lambda r: r["others_cpu_pct"])


def progress(server: str, r: dict) -> None:
    print(f"{server}, {r['clients']} clients: p50 {ms(r['p50_ms'])}, p99 {ms(r['p99_ms'])}, max {ms(r['max_ms'])},"
          f" lost {r['lost']}, server CPU {r['server_cpu_pct']:.0f} %, peak RSS {mib(r['server_rss_peak_kib'])},"
          f" load client CPU {r['client_cpu_pct']:.0f} %, rest of the machine {max(0, r['others_cpu_pct']):.0f} %",
          file=sys.stderr, flush=True)


# --- the report ------------------------------------------------------------------------------------

def ms(value: float | None) -> str:
    if value is None:  # a percentile that fell on a lost delivery
        return "lost"
    return f"{value:.1f} ms" if value < 1000 else f"{value / 1000:.2f} s"


def mib(kib: int | None) -> str:
    return "–" if kib is None else f"{kib / 1024:.0f} MiB"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "–"
    r = a / b
    return f"{r:.1f}×" if r >= 0.1 else f"{r:.2g}× (1/{b / a:.0f})"


def row(server: str, r: dict) -> str:
    lost = f"{r['lost']:,}" + (f" (closed: {r['closes']})" if r["closes"] else "")
    return (f"| {r['clients']} | {server} | {r['delivered']:,} | {lost} | {ms(r['p50_ms'])} | {ms(r['p99_ms'])} |"
            f" {ms(r['max_ms'])} | {r['server_cpu_pct']:.0f} % | {mib(r['server_rss_idle_kib'])} →"
            f" {mib(r['server_rss_peak_kib'])} | {r['client_cpu_pct']:.0f} %, {ms(r['client_send_lag_p99_ms'])} |"
            f" {max(0, r['others_cpu_pct']):.0f} % |")


def verdict(studio: dict, node: dict) -> str:
    sentences = []
    at = studio.get(TARGET_AT)
    if at is None:
        sentences.append(f"p99 under {TARGET_P99_MS:.0f} ms at {TARGET_AT} clients: not measured in this run.")
    else:
        met = at["p99_ms"] is not None and at["p99_ms"] < TARGET_P99_MS and at["lost"] == 0
        sentences.append(f"p99 under {TARGET_P99_MS:.0f} ms at {TARGET_AT} clients: **{'met' if met else 'missed'}**"
                         f" ({ms(at['p99_ms'])}, {at['lost']:,} lost).")
        if at["server_cpu_pct"] >= NEAR_LIMIT:
            sentences.append(f"At that load the studio's process used {at['server_cpu_pct']:.0f} % of a core, close to"
                             " what one Python process (one GIL) can give, so its p99 varies widely from run to run.")
    ours, theirs = studio.get(COMPARE_AT), node.get(COMPARE_AT)
    if ours is None or theirs is None:
        sentences.append(f"No worse than the Node server's p99 at {COMPARE_AT} clients: not measured in this run.")
    else:
        met = (ours["p99_ms"] is not None and theirs["p99_ms"] is not None and ours["p99_ms"] <= theirs["p99_ms"]
               and ours["lost"] <= theirs["lost"])
        word = "met" if met else "missed"
        sentences.append(f"No worse than the Node server's p99 at {COMPARE_AT} clients: **{word}** (p99"
                         f" {ms(ours['p99_ms'])} against {ms(theirs['p99_ms'])}; lost deliveries {ours['lost']:,}"
                         f" against {theirs['lost']:,}).")
    lost = sum(r["lost"] for r in [*studio.values(), *node.values()])
    sentences.append("No delivery was lost." if lost == 0 else f"**{lost:,} deliveries were lost** (never arrived"
                     f" within {DRAIN_S} s of the last edit).")
    return " ".join(sentences)


def shared_machine(studio: dict, node: dict) -> str:
    busiest = max([*studio.values(), *node.values()], key=lambda r: r["others_cpu_pct"])
    if busiest["others_cpu_pct"] <= BUSY_WARNING:
        return ""
    return (f" Other work shared the machine during some runs (up to {busiest['others_cpu_pct']:.0f} % of a core),"
            " so those figures are pessimistic.")


def versions() -> str:
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()

    def package(name: str) -> str:
        return json.loads((YJS / "node_modules" / name / "package.json").read_text())["version"]

    return (f"Node {node}, @y/websocket-server {package('@y/websocket-server')}, yjs {package('yjs')};"
            f" Daphne {metadata.version('daphne')}, pycrdt {metadata.version('pycrdt')}")


def write_report(slug: str, words: str, studio: dict, node: dict) -> str:
    seconds = f"{SECONDS:g} s"
    lines = [
        f"<!-- bench:yjs:{slug} -->",
        f"## Yjs fan-out in one script room ({words})",
        "",
        f"Run {date.today().isoformat()} with `make bench` on {machine()}; {versions()}. One room; each client"
        f" types {RATE} edits a second for {seconds}; each server is started fresh for each client count; the"
        " load client (one Node process) runs on the same machine.",
        "",
        "| clients | server | deliveries | lost | p50 | p99 | max | server CPU | server RSS idle → peak"
        " | load client CPU, send lag p99 | rest of the machine |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for clients in CLIENTS:
        if clients in studio:
            lines.append(row("studio (Daphne)", studio[clients]))
        if clients in node:
            lines.append(row("@y/websocket-server", node[clients]))
    lines += ["", "| clients | p99 studio / Node | server CPU studio / Node | room memory (peak − idle RSS) studio,"
              " Node |", "| --- | --- | --- | --- |"]
    for clients in CLIENTS:
        if clients in studio and clients in node:
            s, n = studio[clients], node[clients]
            lines.append(f"| {clients} | {ratio(s['p99_ms'], n['p99_ms'])} |"
                         f" {ratio(s['server_cpu_pct'], n['server_cpu_pct'])} |"
                         f" {mib(s['server_rss_peak_kib'] - s['server_rss_idle_kib'])},"
                         f" {mib(n['server_rss_peak_kib'] - n['server_rss_idle_kib'])} |")
    lines += [
        "",
        f"Targets: p99 under {TARGET_P99_MS:.0f} ms at {TARGET_AT} clients, and no worse than the Node server's p99"
        f" at {COMPARE_AT}. {verdict(studio, node)}{shared_machine(studio, node)}",
        "",
        "Latency runs from just before the sender's write to the arrival, at each other client, of the TCP chunk"
        " that carries the update (one clock); every (edit, receiver) pair counts, and one that has not arrived"
        f" {DRAIN_S} s after the last edit is lost. Server CPU is the process's utime + stime (all threads) over"
        " the edits and their delivery, divided by that wall time (100 % = one core); RSS is VmRSS before the"
        " clients connect and VmHWM at the end. The studio logs every update to the database before relaying it"
        " and compacts the log every 500 updates; the Node server keeps the document in memory only, and also sends"
        " each update back to its sender (the load client ignores those). @y/websocket-server 0.1.1 is its release"
        " for yjs 13, the version the studio's browsers run (0.1.5 moved to a yjs 14 pre-release). The load"
        " client's CPU and how late it sent its edits show whether it, rather than the server, was the limit"
        " (it shares the machine's cores with the server); \"rest of the machine\" is the CPU that other processes"
        " took meanwhile (roughly: the busy time of every core, less the server's and the load client's); the benchmark"
        " waits for a quiet machine before each run, and runs again one that other work disturbed."
        " `BENCH_SECONDS` and `BENCH_CLIENTS=10,50` shorten a"
        " run; REDIS_URL adds the Redis channel layer configuration.",
        f"<!-- /bench:yjs:{slug} -->",
    ]
    return "\n".join(lines)


def update_doc(slug: str, section: str) -> Path:
    return write_section("yjs", slug, section)


def main() -> None:
    if shutil.which("node") is None:
        raise SystemExit("the Yjs fan-out benchmark needs Node.js (node and npm) on PATH")
    install_node_packages()
    with tempfile.TemporaryDirectory() as tmp:
        env = setup_django(Path(tmp))
        logs = Path(tmp) / "logs"
        logs.mkdir()
        results = measure(env, logs)
    for slug, words, _ in configurations():
        section = write_report(slug, words, results[slug], results["node"])
        print(section)
        print(f"\nwritten to {update_doc(slug, section)}\n")


if __name__ == "__main__":
    main()

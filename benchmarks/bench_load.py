"""``make bench-load``: Wangge under gunicorn on PostgreSQL with a generated city, driven by
``benchmarks/load.py``, one scenario after another; prints the table and writes the results.

    .venv/bin/python benchmarks/bench_load.py [--cases 20000] [--duration 10] [--concurrency 8]

The database (``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/wangge_bench_<cases>``)
is created, migrated and filled by ``generate_city`` the first time, then reused. The server runs
in production mode (``WANGGE_PRODUCTION=1``, 2 sync workers, manifest static files) with the
public benchmark keys below and, as docs/production.md sets it up, the cache in Redis
(``BENCH_CACHE_URL``, default ``redis://127.0.0.1:6379/9``, emptied before the server starts;
set it empty for each process's own memory); requests come as from nginx
(``X-Forwarded-Proto: https``). Each
scenario's figures are compared with the framework floor (``/healthz``) of the same run.
Results: ``benchmarks/results/<time>-<cases>.json`` and ``.md``, and ``latest-<cases>.md``.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import random
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import Request, Result, Session, form_body, multipart_body, run  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PASSWORD = "wangge-city-bench"
# Public, benchmark-only secrets: production mode refuses the development ones.
BENCH_ENV = {
    "WANGGE_PRODUCTION": "1",
    "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
    "PII_ENCRYPTION_KEYS": "YmVuY2gtb25seS1waWkta2V5LTAxMjM0NTY3ODkwMTI=",
    "PII_INDEX_KEY": "bench-only-blind-index-key-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "DATABASE_CONN_MAX_AGE": "60",
    "BENCH_QUERY_COUNT": "1",
    # As behind nginx (docs/production.md): the client's address from X-Real-IP. Every report
    # comes from its own address and phone (``citizen``), so the rate limits stay as shipped and
    # count what they would for a real resident: a handful of reports, not the whole run's.
    "CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
    "API_RATE_PER_MINUTE": "100000000",
    "LOG_LEVEL": "WARNING",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}

REPORT_TEXT = "楼道里堆放杂物，影响通行。"  # what every benchmark report says
FACTS = """
import datetime
import json
from django.utils import timezone
from accounts.models import User
from api.models import Scope
from api.open311.keys import key_issue
from api.pagination import encode_cursor
from api.tokens import token_create
from api.views.cases import CASE_ORDER
from areas.models import Area
from cases.models import Case, Category
from cases.paging import encode
from cases.selectors import SORTS
street = "410199001000"
REPORT_TEXT = __REPORT_TEXT__
# The street's newest cases of the generated city: not those the POST scenarios reported.
numbers = list(Case.objects.filter(street_code=street).exclude(description=REPORT_TEXT).order_by("-reported_at")
               .values_list("number", flat=True)[:500])
# The cursor of page 1,000 of the dispatcher's 全部事件 (or the street's last page if shorter).
in_order = Case.objects.filter(street_code=street).order_by(*SORTS["deadline"].ordering())
depth = max(0, min(50 * 999, in_order.count() - 51))
deep = in_order[depth] if in_order.exists() else None
# The API as the district leader (every case in scope), with a token made for this run.
leader = User.objects.get(username="city-district-leader")
_token, secret = token_create(user=leader, name="bench-load", scopes=[Scope.CASES_READ],
                              expires_at=timezone.now() + datetime.timedelta(days=1), actor=leader)
_key, open311_key = key_issue(name="bench-load", actor=leader)
grid = Area.objects.get(code="410199001001001")
services = Category.objects.filter(public=True, is_active=True, is_dispute=False)
api_deep = Case.objects.order_by(*CASE_ORDER.order())[max(0, min(50 * 999, Case.objects.count() - 51))]
print(json.dumps({
    "api_token": secret,
    "open311_key": open311_key,
    "open311_service": services.values_list("code", flat=True)[0],
    "grid_point": [(grid.min_lat + grid.max_lat) / 2, (grid.min_lng + grid.max_lng) / 2],
    "api_deep_cursor": encode_cursor(CASE_ORDER.key_of(api_deep)),
    "street": street,
    "grid": "410199001001001",
    "numbers": numbers,
    "public_category": Category.objects.filter(public=True, is_active=True).values_list("pk", flat=True)[0],
    "category": Case.objects.filter(street_code=street).values_list("category_id", flat=True).first(),
    "deep_cursor": encode(deep, SORTS["deadline"]) if deep else "",
}))
"""


def environment(database_url: str, var_dir: Path) -> dict[str, str]:
    return {**os.environ, **BENCH_ENV, "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DATABASE_URL": database_url, "WANGGE_VAR_DIR": str(var_dir),
            "STATIC_ROOT": str(var_dir / "static"), "CACHE_URL": cache_url()}


def cache_url() -> str:
    """The server's cache: Redis as in production (docs/production.md), unless set otherwise."""
    return os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9")


def empty_cache() -> None:
    """A run starts from an empty shared cache (no sessions or counts of an earlier run or city)."""
    if cache_url():
        import redis

        redis.Redis.from_url(cache_url()).flushdb()


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=True,
                          check=check)


def ensure_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def floor_table(database_url: str) -> None:
    """The write floor's table (``benchmarks.floors``), empty at the start of each run."""
    import psycopg

    from benchmarks.floors import CREATE_TABLE, TABLE

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(CREATE_TABLE)
        connection.execute(f"TRUNCATE {TABLE}")


def prepare_data(env: dict[str, str], cases: int) -> str:
    """Migrate, generate the city unless it is there, collect static files; returns what happened."""
    manage(env, "migrate", "--noinput", "-v0")
    streets = max(2, cases // 5_000)
    started = time.monotonic()
    generated = manage(env, "generate_city", "--streets", str(streets), "--residents", str(cases * 2),
                       "--cases", str(cases), "--years", "2", "--password", PASSWORD, check=False)
    if generated.returncode == 0:
        note = f"generated in {time.monotonic() - started:.0f} s: " + generated.stdout.strip().replace("\n", "; ")
    elif "already there" in generated.stderr:
        note = "reused the generated city"
    else:
        raise SystemExit(f"generate_city failed:\n{generated.stderr}")
    manage(env, "collectstatic", "--noinput", "-v0")
    return note


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [GUNICORN, "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "300"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer; see {log}")


def workers_of(master: int) -> list[int]:
    """The pids of the gunicorn master's children (its workers), from ``/proc``."""
    workers = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:  # the field after the state: the parent
            workers.append(int(entry.name))
    return workers


def worker_memory(master: int) -> dict[str, Any]:
    """The workers' resident memory now (``VmRSS``) and at its peak so far (``VmHWM``), in MB: the
    largest of the workers, for the target "web worker RSS ≤ 250 MB under load"."""
    now, peak = [], []
    for pid in workers_of(master):
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        except OSError:
            continue
        figures = {line.split(":")[0]: int(line.split()[1]) for line in lines if line.startswith(("VmRSS", "VmHWM"))}
        now.append(figures.get("VmRSS", 0) / 1024)
        peak.append(figures.get("VmHWM", 0) / 1024)
    return {"workers": len(now), "rss_mb": round(max(now, default=0), 1), "peak_rss_mb": round(max(peak, default=0), 1)}


def test_photo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 160, 90)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def scenarios(facts: dict[str, Any], cases: int) -> list[tuple[str, Callable[[Session], None],
                                                               Callable[[Session, int], Request]]]:
    street, grid, numbers = facts["street"], facts["grid"], facts["numbers"]
    photo = test_photo()
    today = datetime.date.today()

    def anonymous(session: Session) -> None:
        session.csrf_token("/s/report/")

    def nobody(session: Session) -> None:
        """Token or anonymous requests: no session to open."""

    def as_user(username: str) -> Callable[[Session], None]:
        return lambda session: session.login(username, PASSWORD)

    def get(path: str) -> Callable[[Session, int], Request]:
        return lambda session, index: Request("GET", path)

    run = random.SystemRandom().randrange(2**40)  # a run's residents differ from an earlier run's

    def citizen(index: int) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The phone and the X-Real-IP header of the resident sending request ``index``."""
        n = (run + index) % 2**24
        return f"139{(run + index) % 10**8:08d}", (("X-Real-IP", f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}"),)

    def report(with_photo: bool) -> Callable[[Session, int], Request]:
        def make(session: Session, index: int) -> Request:
            phone, address = citizen(index)
            fields = {"category": str(facts["public_category"]), "description": REPORT_TEXT,
                      "address": "1号楼", "grid": grid, "reporter_phone": phone,
                      "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}
            body, kind = (multipart_body(fields, [("photos", "photo.jpg", photo)]) if with_photo
                          else form_body(fields))
            return Request("POST", "/s/report/", body, kind, headers=address, expect=(302,))
        return make

    def write_floor(session: Session, index: int) -> Request:
        body, kind = form_body({"description": REPORT_TEXT, "reporter_phone": citizen(index)[0],
                                "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")})
        return Request("POST", "/bench/write-floor/", body, kind, expect=(302,))

    def open311_report(session: Session, index: int) -> Request:
        lat, lng = facts["grid_point"]
        phone, address = citizen(index)
        fields = {"api_key": facts["open311_key"], "service_code": facts["open311_service"],
                  "description": REPORT_TEXT, "address_string": "1号楼",
                  "phone": phone, "lat": str(lat), "long": str(lng)}
        body, kind = form_body(fields)
        return Request("POST", "/open311/v2/requests.json", body, kind, headers=address, expect=(200,))

    def api(path: str) -> Callable[[Session, int], Request]:
        bearer = (("Authorization", f"Bearer {facts['api_token']}"),)
        return lambda session, index: Request("GET", path, headers=bearer)

    def case_page(session: Session, index: int) -> Request:
        return Request("GET", f"/cases/{numbers[index % len(numbers)]}/")

    dispatcher, worker, leader = "city-s001-dispatcher", f"city-{grid}-worker", "city-district-leader"
    # The 30 days up to yesterday: the POST scenarios add cases today, and a reused city would
    # otherwise grow past the synchronous export's limit (the export then answers 302, in the background).
    month = f"date_from={today - datetime.timedelta(days=30)}&date_to={today - datetime.timedelta(days=1)}"
    return [
        ("health (floor)", anonymous, get("/healthz")),
        ("write floor: CSRF-checked POST, one INSERT (benchmarks/floors.py)", anonymous, write_floor),
        ("随手拍 POST", anonymous, report(False)),
        ("Open311 POST", nobody, open311_report),
        ("随手拍 POST + photo", anonymous, report(True)),
        ("page floor: an empty page in the layout, signed in (benchmarks/floors.py)", as_user(dispatcher),
         get("/bench/page-floor/")),
        ("workbench, street dispatcher", as_user(dispatcher), get("/cases/?queue=all")),
        ("workbench, street dispatcher, page 1,000", as_user(dispatcher),
         get(f"/cases/?queue=all&after={facts['deep_cursor']}")),
        ("workbench, grid worker", as_user(worker), get("/cases/?queue=all")),
        ("workbench, filtered", as_user(dispatcher),
         get(f"/cases/?queue=all&status=closed&category={facts['category']}")),
        ("case page", as_user(dispatcher), case_page),
        ("statistics, street", as_user(dispatcher), get(f"/cases/stats/?area={street}")),
        ("statistics, district", as_user(leader), get("/cases/stats/")),
        ("registry search", as_user(dispatcher), get("/registry/?q=%E7%8E%8B")),
        ("ledger export (street, 30 days)", as_user(dispatcher), get(f"/cases/ledger/export/?area={street}&{month}")),
        ("API cases, district leader (token)", nobody, api("/api/v1/cases/")),
        ("API cases, page 1,000", nobody, api(f"/api/v1/cases/?cursor={facts['api_deep_cursor']}")),
        ("Open311 requests (page of 50)", nobody, get("/open311/v2/requests.json?page_size=50&extensions=true")),
        ("Open311 requests, page 40", nobody, get("/open311/v2/requests.json?page_size=50&extensions=true&page=40")),
    ]


def table(rows: list[dict[str, Any]], floor: float) -> str:
    lines = ["| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | queries | % of floor | worker MB | peak MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        share = f"{100 * row['req_per_s'] / floor:.1f} %" if floor else "–"
        queries = "–" if row["queries"] is None else f"{row['queries']:g}"
        lines.append(f"| {row['scenario']} | {row['req_per_s']:.1f} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | "
                     f"{row['p99_ms']:.0f} | {row['errors']} | {queries} | {share} | {row['worker_rss_mb']:.0f} | "
                     f"{row['worker_peak_rss_mb']:.0f} |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    load = os.getloadavg()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory = meminfo.read_text().splitlines()[0].split(":")[1].strip()
    return {"cpus": os.cpu_count(), "load_average": [round(value, 2) for value in load], "memory": memory,
            "python": platform.python_version(), "platform": platform.platform()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", "20000")))
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", "10")))
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("BENCH_CONCURRENCY", "8")))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8765")))
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this text")
    options = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL",
                                  f"postgres://postgres@127.0.0.1:5432/wangge_bench_{options.cases}")
    var_dir = ROOT / "var" / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = environment(database_url, var_dir)
    ensure_database(database_url)
    print(f"==> data: {database_url}", flush=True)
    note = prepare_data(env, options.cases)
    print(f"    {note}", flush=True)
    script = FACTS.replace("__REPORT_TEXT__", repr(REPORT_TEXT))
    facts = json.loads(manage(env, "shell", "--no-imports", "-c", script).stdout.strip().splitlines()[-1])
    floor_table(database_url)
    empty_cache()
    server = start_server(env, options.port, var_dir / "gunicorn.log")
    rows: list[dict[str, Any]] = []
    try:
        for name, prepare, next_request in scenarios(facts, options.cases):
            if options.only and options.only not in name and not name.startswith("health"):
                continue
            result: Result = run(name, host="127.0.0.1", port=options.port, concurrency=options.concurrency,
                                 duration=options.duration, prepare=prepare, next_request=next_request)
            rows.append(result.summary())
            memory = worker_memory(server.pid)
            rows[-1].update(worker_rss_mb=memory["rss_mb"], worker_peak_rss_mb=memory["peak_rss_mb"],
                            load_average=round(os.getloadavg()[0], 2))
            print(f"    {name}: {rows[-1]['req_per_s']} req/s, p95 {rows[-1]['p95_ms']} ms, "
                  f"errors {rows[-1]['errors']} {rows[-1]['statuses']}, worker RSS {memory['rss_mb']} MB "
                  f"(peak {memory['peak_rss_mb']} MB, {memory['workers']} workers)", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    floor = rows[0]["req_per_s"] if rows else 0.0
    for row in rows:
        row["share_of_floor"] = round(row["req_per_s"] / floor, 4) if floor else None
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    peak = max((row["worker_peak_rss_mb"] for row in rows), default=0.0)
    report = {"time": stamp, "cases": options.cases, "duration_s": options.duration,
              "concurrency": options.concurrency, "data": note, "machine": machine(),
              "cache": cache_url() or "each process", "worker_peak_rss_mb": peak, "results": rows}
    markdown = (f"Wangge load benchmark, {stamp}: {options.cases:,} cases, concurrency {options.concurrency}, "
                f"{options.duration:g} s per scenario, gunicorn 2 sync workers, PostgreSQL, "
                f"cache {cache_url() or 'in each process'}.\n"
                f"Machine: {report['machine']}\n\n{table(rows, floor)}\n\n"
                f"Largest gunicorn worker peak RSS (VmHWM) over the run: {peak:.0f} MB.\n")
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / f"{stamp}-{options.cases}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    (results / f"{stamp}-{options.cases}.md").write_text(markdown)
    (results / f"latest-{options.cases}.md").write_text(markdown)
    print()
    print(markdown)


if __name__ == "__main__":
    main()

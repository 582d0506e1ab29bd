"""Benchmark: what a phone downloads and waits for on the map pages, before and after.

Run from the project root::

    .venv/bin/python bench/page_weight.py [--before 080fcd7] [--runs 3] [--workers 2]

Serves two checkouts side by side in one run, each by gunicorn with the production
settings after ``collectstatic`` (as ``bin/serve`` does) and with its own demo database
(built once, kept under ``var/bench-page-weight/<side>/``): ``before``, a git worktree of
the given commit in a temporary directory (removed at the end), and ``after``, this
checkout. Debian's chromium (Playwright) loads the locate page, the appeal form and the
102 console (signed in as the demo operator) with a cold cache, under CDP emulation of a
slow phone: 1.6 Mb/s down, 750 kb/s up, 150 ms round trip, CPU four times slower.

Per page and side, the median over ``--runs`` loads (sides alternate) of: JavaScript
bytes transferred (on the wire, headers included) and decoded; all bytes transferred until
the network is idle; and the time to usable, from navigation start until the page's
main controls are on the page and enabled (locate: the address search; appeal form: the
address, the text, the pin map and the submit button; console: the call intake form's place
field and its submit button), the deferred scripts ran and htmx bound them, and the map
has drawn its streets. Goals, per page (after): under 500 KB of JavaScript, usable within
5 s. ``--before none`` measures this checkout only (no demo build for the old commit).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _machine import machine
from _server import ROOT, free_port, start_server

PASSWORD = "bench-page-weight"
# name: (path, the page's main controls, needs the operator's session). The first control
# is the one htmx binds; all of them must be on the page, enabled, for it to count usable.
PAGES = {
    "locate": ("/territory/locate/", ["#address"], False),
    "appeal": ("/appeals/new/", ["#address", "#text", "#pin-map",
                                 "main form button[type=submit]"], False),
    "console": ("/dispatch/", ["#intake #id_place", "#intake #take-call"], True),
}  # fmt: skip
GOAL_JS_KB, GOAL_USABLE_S = 500, 5
SLOW_PHONE = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
              "uploadThroughput": 750_000 / 8}  # fmt: skip
CPU_SLOWDOWN = 4
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--use-angle=swiftshader",
                 "--enable-unsafe-swiftshader", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# Deferred scripts run before DOMContentLoaded; htmx binds the page's fields in it.
MARK_READY = """document.addEventListener("DOMContentLoaded", () =>
  setTimeout(() => { window.__contentLoaded = performance.now(); }));"""
# Usable: the field is bound and the map drew its streets (Leaflet: every visible base-map
# tile drawn; Plotly before: MapLibre reports its sources, the street GeoJSON, loaded).
USABLE = """controls => {
  if (!window.__contentLoaded || !window.htmx) return false;
  if (!controls.every(c => { const el = document.querySelector(c); return el && !el.disabled; }))
    return false;
  const map = document.querySelector("#map, #pin-map");
  if (!map) return false;
  const leaflet = map.dataset.basemap === "loaded";
  const fl = map._fullLayout, maplibre = fl && fl.map && fl.map._subplot && fl.map._subplot.map;
  return (leaflet || (maplibre && maplibre.loaded())) ? performance.now() : false;
}"""


def side_env(src: Path, var_dir: Path) -> dict:
    """Production settings for the code in ``src`` with its own database and files."""
    shared = os.environ.get("PRECINCT_SHARED_DATA", str(ROOT.parent / "shared" / "data"))
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "precinct.settings",
        "PYTHONPATH": str(src),
        "PRECINCT_VAR_DIR": str(var_dir),
        "PRECINCT_SHARED_DATA": shared,
        "PRECINCT_DEMO_PASSWORD": PASSWORD,
    }


def prepare(env: dict) -> None:
    """What bin/serve does before gunicorn: migrate, collect static files, build the demo."""
    Path(env["PRECINCT_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    cli = [sys.executable, "-m", "precinct.cli"]
    subprocess.run([*cli, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*cli, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*cli, "demo", "build", "--seed", "1", "--if-absent"], env=env, check=True)


def operator_session(browser, base: str) -> dict:
    """The demo operator's cookies, signed in from a context that is then thrown away."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "demo-operator")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    state = context.storage_state()
    context.close()
    return state


def load(browser, base: str, page_name: str, session: dict | None) -> dict:
    """One cold load of a page on the emulated phone: bytes and time to usable."""
    path, controls, _ = PAGES[page_name]
    context = browser.new_context(viewport={"width": 390, "height": 844}, storage_state=session)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_PHONE)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    kinds, wire, decoded = {}, {}, {}

    def data_received(event):
        decoded[event["requestId"]] = decoded.get(event["requestId"], 0) + event["dataLength"]

    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
    cdp.on("Network.dataReceived", data_received)
    cdp.on(
        "Network.loadingFinished",
        lambda e: wire.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.add_init_script(MARK_READY)
    page.goto(base + path, wait_until="commit", timeout=180_000)
    usable = page.wait_for_function(USABLE, arg=controls, polling=50, timeout=180_000)
    usable_ms = usable.json_value()
    page.wait_for_load_state("networkidle", timeout=180_000)
    context.close()
    scripts = [r for r, kind in kinds.items() if kind == "Script"]
    return {
        "js_kb": sum(wire.get(r, 0) for r in scripts) / 1000,
        "js_decoded_kb": sum(decoded.get(r, 0) for r in scripts) / 1000,
        "total_kb": sum(wire.values()) / 1000,
        "usable_s": usable_ms / 1000,
    }


def medians(loads: list[dict]) -> dict:
    return {key: round(statistics.median(row[key] for row in loads), 2) for key in loads[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="080fcd7", help="commit to compare with, or none")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    var = ROOT / "var" / "bench-page-weight"
    with tempfile.TemporaryDirectory(prefix="page-weight-") as tmp:
        tree = Path(tmp) / "before"
        sides = {"after": side_env(ROOT / "src", var / "after")}
        if args.before != "none":
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                            str(tree), args.before], check=True)  # fmt: skip
            sides = {"before": side_env(tree / "src", var / "before"), **sides}
        servers = []
        try:
            bases = {}
            for side, env in sides.items():
                prepare(env)
                port = free_port()
                servers.append(start_server(env, port, args.workers))
                bases[side] = f"http://127.0.0.1:{port}"
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                results = measure(browser, bases, args.runs)
                browser.close()
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
            if args.before != "none":
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(tree)], check=False)  # fmt: skip
    report(results, args)


def measure(browser, bases: dict, runs: int) -> dict:
    sessions = {side: operator_session(browser, base) for side, base in bases.items()}
    results = {}
    for page_name, (_, _, signed_in) in PAGES.items():
        loads = {side: [] for side in bases}
        load(browser, bases["after"], page_name, sessions["after"] if signed_in else None)
        for _ in range(runs):  # sides alternate, so a burst of load hits both alike
            for side, base in bases.items():
                session = sessions[side] if signed_in else None
                loads[side].append(load(browser, base, page_name, session))
        results[page_name] = {side: medians(rows) for side, rows in loads.items()}
    return results


def report(results: dict, args) -> None:
    print(f"Median of {args.runs} cold loads at 390x844, 1.6 Mb/s, 150 ms RTT, CPU x{CPU_SLOWDOWN}")
    print(f"{'page':8} {'side':7} {'JS KB':>8} {'JS decoded':>11} {'total KB':>9} {'usable s':>9}")
    for page_name, sides in results.items():
        for side, m in sides.items():
            print(f"{page_name:8} {side:7} {m['js_kb']:8.1f} {m['js_decoded_kb']:11.1f} "
                  f"{m['total_kb']:9.1f} {m['usable_s']:9.2f}")  # fmt: skip
        if "before" not in sides:
            continue
        before, after = sides["before"], sides["after"]
        sides["ratio"] = {
            "js_kb": round(before["js_kb"] / after["js_kb"], 1),
            "usable_s": round(before["usable_s"] / after["usable_s"], 1),
        }
        print(f"{'':8} {'ratio':7} {sides['ratio']['js_kb']:7.1f}x {'':11} {'':9} "
              f"{sides['ratio']['usable_s']:8.1f}x")  # fmt: skip
    goals = {
        page_name: {
            f"js_under_{GOAL_JS_KB}kb": sides["after"]["js_kb"] < GOAL_JS_KB,
            f"usable_under_{GOAL_USABLE_S}s": sides["after"]["usable_s"] < GOAL_USABLE_S,
        }
        for page_name, sides in results.items()
    }
    print(json.dumps({"before": args.before, "runs": args.runs, "pages": results,
                      "goals": goals, **machine()}))  # fmt: skip


if __name__ == "__main__":
    main()

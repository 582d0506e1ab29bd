"""Benchmark: the demo's 102 step (a simulated year of calls) on the test cut or the city.

Run from the project root::

    .venv/bin/python bench/demo_dispatch.py [--full]

Builds the demo into a throw-away SQLite test database (``--full``: the whole Almaty
extract of ``../shared/data``, else the central cut of the tests) and prints the time of
each demo step, the time spent inside ``simulate_responses`` (the compiled dispatch
loop, with its routing), and the step's own summary lines. Run it twice: the first run
in a fresh checkout also compiles the numba kernels into their cache. The last line is
one JSON object.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

from _django import ROOT, test_database
from _machine import machine

CUT = ROOT / "tests" / "fixtures" / "almaty_cut.osm.pbf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the whole city, not the cut")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with test_database():
        result = run(args.full, args.seed)
    print(json.dumps(result))


def run(full: bool, seed: int) -> dict:
    from precinct.demo import builder
    from precinct.demo.inputs import DemoInputs
    from precinct.dispatch import demo as dispatch_demo

    simulated = []
    inner = dispatch_demo.simulate_responses

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        out = inner(*args, **kwargs)
        simulated.append(time.perf_counter() - t0)
        return out

    dispatch_demo.simulate_responses = timed
    marks: list[tuple[str, float]] = []

    def log(line: str) -> None:
        marks.append((line, time.perf_counter()))

    defaults = builder.default_inputs()
    inputs = DemoInputs(
        osm=defaults.osm if full else CUT,
        boundaries=defaults.boundaries,
        population_csv=defaults.population_csv,
    )
    report = builder.build_demo(seed=seed, inputs=inputs, log=log)
    marks.append(("end", time.perf_counter()))
    steps = {
        line.removeprefix("Demo step ").rstrip(" …"): round(later - t, 2)
        for (line, t), (_, later) in itertools.pairwise(marks)
        if line.startswith("Demo step ")
    }
    for name, seconds in steps.items():
        print(f"{name:40s} {seconds:8.2f} s")
    print(f"{'  of which simulate_responses':40s} {sum(simulated):8.2f} s")
    lines = [line for line in report.lines if line.startswith("102:")]
    for line in lines:
        print(line)
    return {
        "city": "full" if full else "cut",
        "steps_s": steps,
        "simulate_responses_s": round(sum(simulated), 2),
        "summary": lines,
        **machine(),
    }


if __name__ == "__main__":
    main()

"""What every benchmark's JSON line says about the machine it ran on.

Times on these shared machines depend on their load, so each figure carries the cores the
process may use and the load average when it finished.
"""

import os
import platform


def machine() -> dict:
    return {
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores",
        "load_avg_1min": round(os.getloadavg()[0], 2),
    }

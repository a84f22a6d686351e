"""Profile one page in process, as `make bench` serves it (production settings, bench data).

    python -m bench.profile /clinician/ --user bench-clinician --runs 50

Prints the median time per request, the queries of one request with their times, and the
functions that took the most time (cProfile, by cumulative time). Needs the same environment
as scripts/bench.sh (DATABASE_URL of a seeded bench database, DJANGO_SETTINGS_MODULE).
"""

import argparse
import cProfile
import pstats
import statistics
import time

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.run import staff_client  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--user", default="")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--data", default="")
    parser.add_argument("--sort", default="cumulative", help="or tottime")
    args = parser.parse_args()
    client = staff_client(args.user) if args.user else Client(HTTP_HOST="127.0.0.1")

    def hit():
        if args.method == "POST":
            return client.post(
                args.path, args.data, content_type="application/x-www-form-urlencoded"
            )
        return client.get(args.path)

    response = hit()
    print("status", response.status_code, len(response.content), "bytes")
    with CaptureQueriesContext(connection) as queries:
        hit()
    count = len(queries)
    for query in queries:
        print(f"  {query['time']} s  {query['sql'][:160]}")
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        hit()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"median {statistics.median(times):.2f} ms over {args.runs}; {count} queries")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.runs):
        hit()
    profiler.disable()
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()

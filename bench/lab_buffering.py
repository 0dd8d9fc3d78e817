"""The lab's buffering processor in Python, for the side-by-side with logsift trace in the bench.

    python3 bench/lab_buffering.py FILE            # plain
    python3 bench/lab_buffering.py --trace FILE    # under tracemalloc: peak and top sites on stderr

Same four lists as examples/lab/buffering.mjs; the snapshot is taken at the end of main, where
all four are alive (tracemalloc keeps no snapshot "at the peak", only the peak's size).
"""
import re
import sys
import tracemalloc

LINE = re.compile(r"^(\S+) (\S+)\s+\[([^\]]*)\] (\S+) - (.*)$")


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def parse_records(lines):
    records = []
    for line in lines:
        m = LINE.match(line)
        if m:
            records.append({"time": m[1], "level": m[2], "thread": m[3], "logger": m[4], "message": m[5]})
    return records


def keep_errors(records):
    return [r for r in records if r["level"] == "ERROR"]


def format_errors(errors):
    return [f"{e['time']} [{e['thread']}] {e['logger']}: {e['message']}" for e in errors]


def main(path, trace):
    lines = read_lines(path)
    records = parse_records(lines)
    errors = keep_errors(records)
    output = format_errors(errors)
    sys.stdout.write("\n".join(output) + "\n")
    if trace:
        snapshot = tracemalloc.take_snapshot()
        current, peak = tracemalloc.get_traced_memory()
        sys.stderr.write(f"tracemalloc: current {current / 2**20:.1f} MiB, peak {peak / 2**20:.1f} MiB\n")
        for stat in snapshot.statistics("lineno")[:5]:
            sys.stderr.write(f"  {stat}\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    trace = args[:1] == ["--trace"]
    if trace:
        tracemalloc.start()
        args = args[1:]
    main(args[0], trace)

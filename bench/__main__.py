"""`make bench`: run every bench module and print one table of figures with their references."""
import importlib
import pkgutil
import sys
import traceback

import bench
from bench.harness import ROWS


def main(selected: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    failed = []
    for name in names:
        try:
            importlib.import_module(f"bench.{name}").main()
        except Exception:  # one broken bench must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    print("\n" + "=" * 100)
    print(f"{'figure':<60} {'value':>14}  reference / note")
    print("-" * 100)
    for name, value, note in ROWS:
        print(f"{name:<60} {value:>14}  {note}")
    if failed:
        print(f"\nbenches that failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

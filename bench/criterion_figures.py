"""Criterion's medians as `name=value` lines (milliseconds)."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
k = sys.argv[2]
for bench, figure in [
    ("csv_read", f"native_csv_parse_{k}k_ms"),
    ("csv_pipeline", f"native_csv_parse_validate_{k}k_ms"),
    ("xlsx_read", f"native_xlsx_read_{k}k_ms"),
]:
    estimates = json.loads((root / "pipeline" / bench / "new" / "estimates.json").read_text())
    print(f"{figure}={estimates['median']['point_estimate'] / 1e6:.3f}")

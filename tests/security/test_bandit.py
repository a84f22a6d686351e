"""Static analysis: bandit finds no high-severity issue in the product's code."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("itband", "assessments", "booking")


def test_bandit_finds_no_high_severity_issue():
    # A missing bandit fails (it is pinned in requirements-dev.txt): a gate must not skip.
    assert importlib.util.find_spec("bandit"), "pip install -r requirements-dev.txt"
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", *PACKAGES, "-lll", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
        if r["issue_severity"] == "HIGH"
    ]
    assert not findings, "\n".join(findings)
    assert not report["errors"], report["errors"]
    assert report["metrics"]["_totals"]["loc"] > 1000  # it did read the code
    assert result.returncode == 0, result.stderr

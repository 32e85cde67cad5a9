"""`python -m tools.lock`: write `requirements.lock`, the exact versions the image installs, with hashes.

pip resolves the project's dependencies from the index as a fresh install would (`pip install
--dry-run --ignore-installed --report`), and each distribution is written with its version and the
sha256 of the file pip chose, so `pip install --require-hashes -r requirements.lock` installs those
files and no others. Run it on the platform of the image (Linux x86-64, Python 3.11) after changing
the dependencies in pyproject.toml, and commit the lock with the change.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "borderlabour"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
             "--report", str(report), str(ROOT)],
            check=True,
        )  # fmt: skip
        installs = json.loads(report.read_text())["install"]
    lines = [
        "# The registry's dependencies, exact and hashed: `python -m tools.lock` writes this file.",
        "# Install: pip install --require-hashes -r requirements.lock",
    ]
    for item in sorted(installs, key=lambda i: i["metadata"]["name"].lower()):
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        if name == PROJECT:
            continue
        digest = item["download_info"]["archive_info"]["hashes"]["sha256"]
        lines.append(f"{name}=={version} \\\n    --hash=sha256:{digest}")
    (ROOT / "requirements.lock").write_text("\n".join(lines) + "\n")
    print(f"requirements.lock: {len(lines) - 2} distributions")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`.env.example` lists every environment variable the settings read (DESIGN.md asks it)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "itband" / "settings.py").read_text()
    read = set(
        re.findall(
            r'(?:env_bool|env_int|env_list|os\.environ\.get)\(\s*"([A-Z0-9_]+)"', settings_source
        )
    )
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read, "the pattern found no variables: the test would pass vacuously"
    assert read - listed == set()

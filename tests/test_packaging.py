"""The package metadata: environment.yml lists what pyproject.toml lists, and no exact pins
on torch or torchvision (students need their own platform's builds)."""

import re
from pathlib import Path

import yaml
from packaging.requirements import Requirement

try:
    import tomllib
except ModuleNotFoundError:         # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _requirement(text):
    """'numpy>=1.24' -> ('numpy', '>=1.24'); a marker (conda has none) is left out."""
    requirement = Requirement(text)
    return requirement.name.lower().replace("_", "-"), str(requirement.specifier)


def pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_requirement(item) for item in listed)


def environment_requirements():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = []
    for item in environment["dependencies"]:
        if isinstance(item, dict):
            listed += [entry for entry in item["pip"] if not entry.startswith("-e")]
        else:
            listed.append(item)
    return dict(_requirement(item) for item in listed if _requirement(item)[0] not in ("python", "pip"))


def test_environment_yml_matches_pyproject():
    assert environment_requirements() == pyproject_requirements()


def test_torch_has_lower_bounds_only():
    requirements = pyproject_requirements()
    for name in ("torch", "torchvision"):
        assert requirements[name].startswith(">="), requirements[name]
        assert "<" not in requirements[name] and "==" not in requirements[name]


def test_nothing_generated_is_tracked():
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    assert not re.search(r"(^|/)(\.venv|__pycache__|\.ipynb_checkpoints|workbooks)/", tracked, re.M)
    assert not re.search(r"\.(pyc|egg-info)$", tracked, re.M)

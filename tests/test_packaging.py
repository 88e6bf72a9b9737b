"""The package metadata: the conda environments list what pyproject.toml lists (under
conda-forge's names), no exact pins on torch or torchvision (students need their own platform's
builds), the repository's URL is the same everywhere, and nothing generated is tracked."""

import re
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

try:
    import tomllib
except ModuleNotFoundError:         # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

# PyPI name -> conda-forge name, where they differ. matplotlib-base is matplotlib without the Qt
# back end (notebooks draw inline); conda-forge's `playwright` is the Node.js driver.
CONDA_FORGE_NAMES = {"matplotlib": "matplotlib-base", "torch": "pytorch",
                     "playwright": "playwright-python"}


def requirements(*extras):
    """{conda-forge name: version specifier} of pyproject's dependencies and the named extras.
    A marker (conda has none) is left out, and so is the test extra's reference to the
    instructor extra (pass both)."""
    listed = PROJECT["dependencies"] + [text for extra in extras
                                        for text in PROJECT["optional-dependencies"][extra]]
    found = {}
    for requirement in map(Requirement, listed):
        if requirement.name != PROJECT["name"]:
            name = CONDA_FORGE_NAMES.get(requirement.name, requirement.name)
            found[name] = str(requirement.specifier)
    return found


def environment(path):
    """{name: version specifier} of a conda environment file's packages, and its pip lines."""
    packages, pip = {}, []
    for item in yaml.safe_load((ROOT / path).read_text())["dependencies"]:
        if isinstance(item, dict):
            pip += item["pip"]
        else:
            requirement = Requirement(item)
            packages[requirement.name] = requirement.specifier
    del packages["pip"]
    return packages, pip


def test_environment_yml_matches_pyproject():
    """The developer's conda environment: the runtime, the instructor's and the tests' tools;
    pip installs only the course itself."""
    packages, pip = environment("environment.yml")
    assert packages.pop("python") == SpecifierSet(PROJECT["requires-python"])
    assert {name: str(spec) for name, spec in packages.items()} == \
        requirements("lab", "instructor", "test")
    assert pip == ["-e ."]


def test_binder_environment_is_what_a_student_needs():
    """Binder's: the runtime only, on one Python that the course supports; binder/postBuild
    installs the course."""
    packages, pip = environment("binder/environment.yml")
    python = packages.pop("python")
    assert list(python.filter(["3.10", "3.11", "3.12", "3.13"])) == ["3.11"]
    assert SpecifierSet(PROJECT["requires-python"]).contains("3.11")
    assert {name: str(spec) for name, spec in packages.items()} == requirements("lab")
    assert pip == []


def test_the_test_extra_includes_the_others_and_students_need_no_nbgrader():
    assert f"{PROJECT['name']}[lab,instructor]" in PROJECT["optional-dependencies"]["test"]
    assert not any(Requirement(text).name == "nbgrader" for text in PROJECT["dependencies"])


def test_torch_has_lower_bounds_only():
    runtime = requirements()
    for name in ("pytorch", "torchvision"):
        assert runtime[name].startswith(">="), runtime[name]
        assert "<" not in runtime[name] and "==" not in runtime[name]


def test_repository_url_is_the_same_everywhere():
    """pyproject.toml's [project.urls] Repository is the one place to set it; the README's
    install, Colab and Binder links, binder/ and the notebooks' set-up cell must follow it."""
    repository = PROJECT["urls"]["Repository"]
    slug = repository.removeprefix("https://github.com/")
    links = re.compile(r"(?:git\+https://github\.com/|colab\.research\.google\.com/github/|"
                       r"mybinder\.org/v2/gh/)([\w.-]+/[\w.-]+?)(?:\.git)?[/\"'\s)]")
    texts = [ROOT / "README.md", ROOT / "scripts" / "setup_cell.py",
             *(ROOT / "binder").iterdir(), *(ROOT / "notebooks").glob("*.ipynb"),
             *(ROOT / "release" / "notebooks").glob("*.ipynb")]
    found = {(path.name, match) for path in texts for match in links.findall(path.read_text())}
    assert found, "no install, Colab or Binder link found"
    assert {match for _, match in found} == {slug}, sorted(found)
    assert repository in (ROOT / "README.md").read_text()


def test_nothing_generated_is_tracked():
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    assert not re.search(r"(^|/)(\.venv|__pycache__|\.ipynb_checkpoints|workbooks)/", tracked, re.M)
    assert not re.search(r"\.(pyc|egg-info)$", tracked, re.M)
    assert not re.search(r"^data/MNIST/raw/.*-ubyte$", tracked, re.M)   # unpacked into the cache

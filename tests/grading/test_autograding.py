"""The grader's trusted steps around a submission: what is run when grading, and the scan of
the source for torch."""

import nbformat

from course_utils.grading import autograding, integrity


def source_notebook():
    cells = [nbformat.v4.new_markdown_cell("# A lesson"),
             nbformat.v4.new_code_cell("import numpy as np\nfrom course_utils import grading",
                                       metadata={"tags": ["setup"]}),
             nbformat.v4.new_code_cell("slow_demonstration = sum(range(10**7))"),
             nbformat.v4.new_code_cell("def linear(input, weight, bias=None):\n    ...",
                                       metadata={"nbgrader": {"grade_id": "linear_answer",
                                                              "solution": True, "grade": False}}),
             nbformat.v4.new_code_cell(autograding.check_cell_source("linear"),
                                       metadata={"nbgrader": {"grade_id": "linear_check",
                                                              "grade": True, "points": 1}})]
    return nbformat.v4.new_notebook(cells=cells)


def test_grading_runs_set_up_answers_checks_and_the_students_own_cells_only():
    source = source_notebook()
    submitted = nbformat.from_dict(source)
    submitted.cells.append(nbformat.v4.new_code_cell("helper = 2   # the student's own cell"))
    submitted.cells[4].metadata["nbgrader"]["grade"] = False       # the `grade: false` trick
    submitted.cells.append(nbformat.v4.new_code_cell(
        "x = 1", metadata={"nbgrader": {"grade_id": "invented", "grade": True, "points": 100}}))
    prepared = autograding.prepare_submission(submitted, source)
    sources = [c.source for c in prepared.cells]
    assert sources[1] == source.cells[1].source                   # set-up: kept
    assert sources[2] == autograding.DEMONSTRATION_NOTE           # demonstration: skipped
    assert sources[5] == "helper = 2   # the student's own cell"
    assert prepared.cells[4].metadata["nbgrader"]["grade"] is True       # restored
    assert "nbgrader" not in prepared.cells[6].metadata                  # not a course grade id
    everything = autograding.prepare_submission(submitted, source, skip_demonstrations=False)
    assert everything.cells[2].source == source.cells[2].source


def test_a_changed_demonstration_is_the_students_and_runs():
    source = source_notebook()
    submitted = nbformat.from_dict(source)
    submitted.cells[2].source += "\nmine = 1"
    assert autograding.prepare_submission(submitted, source).cells[2].source.endswith("mine = 1")


def test_the_scan_follows_the_answer_and_its_helpers_to_torch():
    cells = ["import numpy as np\nimport torch.nn.functional as torch_F\n"
             "from course_utils import functional as ref",
             "def helper(x, w):\n    return torch_F.linear(x, w)",
             "def linear(input, weight, bias=None):\n    return helper(input, weight)",
             "def conv2d(input, weight, bias=None, stride=1, padding=0):\n"
             "    return ref.conv2d(input, weight, bias, stride, padding)",
             "def max_pool2d(input, kernel_size, stride=None):\n"
             "    import torch\n    return torch.max_pool2d(input, kernel_size)",
             "def avg_pool2d(input, kernel_size, stride=None):\n"
             "    m = __import__('to' + 'rch')\n    return m.nn.functional.avg_pool2d(input, 2)",
             "def relu_only(x):\n    return np.maximum(x, 0)"]
    findings, suspicious = integrity.scan(cells, ["linear", "conv2d", "max_pool2d", "avg_pool2d",
                                                  "relu_only", "missing"])
    assert findings["linear"] == "torch.nn.functional (the name `torch_F`)"
    assert findings["conv2d"] == "course_utils.functional (the name `ref`)"
    assert findings["max_pool2d"].startswith("torch (imported inside max_pool2d)")
    assert findings["avg_pool2d"] == "" and suspicious["avg_pool2d"] == ["__import__"]
    assert findings["relu_only"] == "" and suspicious["relu_only"] == []
    assert findings["missing"] == ""


def test_the_scan_survives_magics_and_broken_cells():
    findings, _ = integrity.scan(["%matplotlib inline", "def linear(:", "import torch"], ["linear"])
    assert findings == {"linear": ""}


def test_the_scan_follows_pythons_scopes():
    cells = ["import torch.nn.functional as F\nfrom course_utils import receptive_field",
             "def design(receptive_field, channels):\n"            # an argument, not the module
             "    layers = [(3, 1, 1)] * ((receptive_field - 1) // 2)\n"
             "    return [layer for layer in layers]",
             "def assigned(x):\n    receptive_field = x + 1\n    return receptive_field",
             "def default(x, conv=F.conv2d):\n    return conv(x)",             # read where defined
             "def nested(x):\n    def inner():\n        F = 1\n        return F\n"
             "    return F.relu(x)",                                   # the inner F is not this one
             "def comprehension(x):\n    [0 for F in []]\n    return F.relu(x)",
             "def declared(x):\n    global F\n    F = F\n    return x",
             "def lam(x):\n    return (lambda y: F.relu(y))(x)"]
    names = ["design", "assigned", "default", "nested", "comprehension", "declared", "lam"]
    findings, _ = integrity.scan(cells, names)
    assert findings["design"] == findings["assigned"] == ""
    for name in names[2:]:
        assert findings[name] == "torch.nn.functional (the name `F`)", name


def test_the_review_lists_suspicious_names_even_when_local():
    cells = ["def steal(args):\n    import gc, sys\n    return sys._getframe(2).f_locals",
             "def linear(input, weight, bias=None):\n    return steal((input, weight))"]
    _, suspicious = integrity.scan(cells, ["linear"])
    assert suspicious["linear"] == ["sys"]

"""The registry matches CONTRIBUTING.md's table; the oracle agrees with independent facts."""

import inspect
import re
from pathlib import Path

import numpy as np
import pytest

import grading_solutions as solutions
from course_utils import grading
from course_utils.grading import oracle

CONTRIBUTING = Path(__file__).resolve().parents[2] / "CONTRIBUTING.md"


def contributing_table():
    """{name: (notebook, signature without the return part)} from CONTRIBUTING.md."""
    rows = re.findall(r"^\| (\d\d) \| `(\w+)` \| (.*?) \|$", CONTRIBUTING.read_text(), re.M)
    table = {}
    for notebook, name, signature in rows:
        match = re.search(r"`(\w+\(.*?\))", signature)
        table[name] = (notebook, match.group(1) if match else None)
    return table


def test_registry_is_exactly_the_table():
    table = contributing_table()
    assert len(table) == 20
    assert list(grading.EXERCISES) == list(table)          # same names, in course order
    for name, (notebook, signature) in table.items():
        exercise = grading.EXERCISES[name]
        assert exercise.notebook == notebook
        if signature is not None:                           # "same signature" rows have none
            assert exercise.signature == signature, name


def test_solution_signatures_match_the_registry():
    for name, exercise in grading.EXERCISES.items():
        parameters = list(inspect.signature(solutions.ALL[name]).parameters)
        assert parameters == exercise.parameters, name


@pytest.mark.parametrize("hidden", [False, True])
def test_grids_are_deterministic_and_hidden_differs(hidden):
    for name, exercise in grading.EXERCISES.items():
        first, second = exercise.cases(hidden), exercise.cases(hidden)
        assert len(first) >= 3, name
        for a, b in zip(first, second):
            assert exercise.describe(a) == exercise.describe(b)
    if hidden:
        for name, exercise in grading.EXERCISES.items():
            public = [exercise.describe(c) for c in exercise.cases(False)]
            assert not set(public) & {exercise.describe(c) for c in exercise.cases(True)}, name


def test_example_returns_fresh_copies():
    args, kwargs = grading.example("conv2d_naive", 2)
    args[0][...] = 0
    again, _ = grading.example("conv2d_naive", 2)
    assert np.abs(again[0]).sum() > 0
    assert kwargs == {"stride": 2, "padding": 1}


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(KeyError, match="conv2d_naive"):
        grading.grade("conv2d_fast", solutions.conv2d_naive)


def test_oracle_arithmetic_matches_the_lecture():
    assert oracle.conv_output_size(7, 3, stride=2, padding=1) == 4
    assert oracle.conv_parameter_count(3, 10, 5) == 760             # the lecture's example
    assert oracle.conv_multiply_adds(3, 10, 5, 32) == 768_000
    table = oracle.lenet_layer_table((1, 28, 28))
    assert [row[1] for row in table] == [(20, 28, 28), (20, 28, 28), (20, 14, 14),
                                         (50, 14, 14), (50, 14, 14), (50, 7, 7), (2450,),
                                         (500,), (500,), (10,)]
    assert sum(row[2] for row in table) == 520 + 25_050 + 1_225_500 + 5_010


def test_measured_receptive_field_matches_the_recurrence():
    for exercise_hidden in (False, True):
        for case in grading.EXERCISES["receptive_field_size"].cases(exercise_hidden):
            layers = case.args[0]
            assert oracle.receptive_field_size(layers) == solutions.receptive_field_size(layers)


def test_fused_reference_equals_conv_then_eval_batch_norm():
    case = grading.EXERCISES["fuse_conv_bn"].cases(False)[0]
    weight, bias, gamma, beta, mean, var = case.args
    x = np.random.default_rng(0).standard_normal((2, weight.shape[1], 6, 6))
    fused_weight, fused_bias = oracle.fuse_conv_bn(*case.args)
    np.testing.assert_allclose(oracle.conv2d(x, fused_weight, fused_bias),
                               oracle.conv_then_batch_norm(x, *case.args), atol=1e-10)

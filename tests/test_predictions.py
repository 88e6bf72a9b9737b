"""reveal: a prediction compared with the answer, printed, never raising."""

from course_utils.predictions import reveal


def test_multiple_choice(capsys):
    options = {"A": "it shrinks", "B": "it grows"}
    assert reveal("b", "B", options) is True
    assert "You predicted b: right" in capsys.readouterr().out
    assert reveal("A", "B", options) is False
    out = capsys.readouterr().out
    assert "A (it shrinks)" in out and "the answer: B (it grows)" in out


def test_numbers_with_a_tolerance(capsys):
    assert reveal(0.5, 0.52, tolerance=0.05) and not reveal(0.5, 0.7, tolerance=0.05)
    assert reveal(3, 3) and not reveal(3, 4)


def test_no_or_unusable_prediction_never_raises(capsys):
    assert reveal(None, "B") is False
    assert "No prediction" in capsys.readouterr().out
    assert reveal("a lot", 0.5, tolerance=0.1) is False
    assert "not one of the possible answers" in capsys.readouterr().out

"""Predict, then run: a student writes down what they expect before an experiment, and compares
afterwards.

The notebooks ask a question before a key experiment or explorer, with a cell such as
``my_prediction = None  # "A", "B" or "C"`` for the student to fill in, and after it::

    reveal(my_prediction, answer="B", options={"A": "...", "B": "...", "C": "..."})
    reveal(my_prediction, answer=measured_value, tolerance=0.05)

``reveal`` prints how the prediction compares with what the experiment showed. It is not
graded and never raises: a wrong guess is how the lesson starts, not a failure.
"""

import math


def _agrees(prediction, answer, tolerance):
    if tolerance is None:
        return str(prediction).strip().upper() == str(answer).strip().upper() \
            if isinstance(answer, str) else prediction == answer
    return math.isclose(float(prediction), float(answer), rel_tol=tolerance, abs_tol=tolerance)


def reveal(prediction, answer, options=None, tolerance=None):
    """Print how ``prediction`` compares with ``answer``; return whether they agree.

    options: {letter: text} for a multiple-choice question (the texts are printed with the
    letters); tolerance: for a number, how close (relative or absolute) counts as right."""
    def named(choice):
        return f"{choice} ({options[choice]})" if options and choice in options else f"{choice}"

    if prediction is None:
        print(f"No prediction written down. The answer: {named(answer)}.")
        return False
    try:
        right = _agrees(prediction, answer, tolerance)
    except (TypeError, ValueError):
        print(f"Your prediction {prediction!r} is not one of the possible answers; "
              f"the answer: {named(answer)}.")
        return False
    if right:
        print(f"You predicted {named(prediction)}: right.")
    else:
        print(f"You predicted {named(prediction)}; the answer: {named(answer)}. "
              "Worth a minute: what made the difference?")
    return right
